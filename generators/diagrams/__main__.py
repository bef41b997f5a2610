import sys

from generators.diagrams.cli import main

sys.exit(main())
