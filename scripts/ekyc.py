"""The ekyc command-line client (client/cli.py): uploads, their status, the synchronous API.

    python -m scripts.ekyc verify USER --id PATH --selfie PATH
    python -m scripts.ekyc status USER
    python -m scripts.ekyc --help
"""

import sys

from client.cli import main

if __name__ == "__main__":
    sys.exit(main())
