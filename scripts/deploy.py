"""`make deploy`, `make outputs`, `make destroy`: the deploy tool's command line (deploy/cli.py).

    python -m scripts.deploy deploy  --stack ekyc [--region R] [--param Key=Value ...]
    python -m scripts.deploy outputs --stack ekyc
    python -m scripts.deploy destroy --stack ekyc [--force]
"""

import sys

from deploy.cli import main

if __name__ == "__main__":
    sys.exit(main())
