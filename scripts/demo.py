"""`make demo`: the whole eKYC chain on the embedded engine, on real pictures (harness/demo.py).

    python -m scripts.demo [-v]        # -v or EKYC_VERBOSE=1: the change set, outputs, logs
"""

import sys

from harness.demo import main

if __name__ == "__main__":
    sys.exit(main())
