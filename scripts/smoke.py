"""`make smoke`: check a deployed stack end to end, on AWS or on the embedded engine
(harness/smoke.py).

    python -m scripts.smoke [--stack ekyc] [--region R] [--timeout 60] [--keep]
"""

import sys

from harness.smoke import main

if __name__ == "__main__":
    sys.exit(main())
