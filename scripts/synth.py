"""Write every generated artifact, or with ``--check`` fail when a committed one has drifted.

    python -m scripts.synth            # write them all (what `make synth` runs)
    python -m scripts.synth --check    # compare the committed files with a fresh build

The generators themselves live in ``generators/``.
"""

import sys

from generators.synth import main

if __name__ == "__main__":
    sys.exit(main())
