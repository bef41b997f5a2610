"""Sample pictures to try a stack with, written to a folder (the README's manual recipe).

    python -m scripts.pictures pictures     # pictures/id-card.jpg, selfie.jpg, ...

They are the test pictures (harness/pictures.py), made at run time from scikit-image's and
matplotlib's bundled photos: an ID card and a selfie of its owner, someone else, no face.
"""

import argparse
import sys
from pathlib import Path

from harness.pictures import images

# File name -> picture, and what a verification of it against id-card.jpg ends with.
SAMPLES = {
    "id-card.jpg": ("id_card", "an ID card (astronaut Eileen Collins)"),
    "selfie.jpg": ("astronaut", "a selfie of the card's owner: pass"),
    "someone-else.jpg": ("hopper", "a selfie of someone else (Grace Hopper): fail"),
    "no-face.jpg": ("coffee", "a photo without a face: fail"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write them (made if missing)")
    folder = parser.parse_args(argv).folder
    folder.mkdir(parents=True, exist_ok=True)
    made = images()
    for name, (picture, what) in SAMPLES.items():
        (folder / name).write_bytes(made[picture])
        print(f"{folder / name}: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
