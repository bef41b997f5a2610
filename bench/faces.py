"""How fast and how right the local face service is.

    python -m bench.faces [--photos ../shared/faces] [--repeat 5]     # or `make bench-faces`

Prints:
1. ms per image for DetectFaces and IndexFaces (median, p95) on test pictures derived from
   scikit-image's astronaut, and on the calibration photos when they are there;
2. SearchFacesByImage's collection scan over 1k, 10k and 100k stored faces;
3. the similarity curve: the score for each distance from 0.30 to 1.00;
4. the similarity calibration on labelled photos (``<person>_<n>.jpg``, see the photos' README):
   every same-person pair and the closest different-person pairs with their distance and
   similarity, the ranges of both, and for thresholds from 50 to 99 the share of same-person
   pairs accepted (TPR) and different-person pairs accepted (FPR).
The photos are used where they are and never copied; without them part 4 is skipped.
"""

from __future__ import annotations

import argparse
import io
import itertools
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from engine.rekognition import similarity as curve
from engine.rekognition.engine import FaceEngine, decode
from engine.rekognition.models import FaceService
from engine.rekognition.similarity import similarity
from engine.rekognition.store import FaceStore, StoredFace
from harness.pictures import images

DEFAULT_PHOTOS = Path(__file__).resolve().parent.parent.parent / "shared" / "faces"
SINGLE_PERSON = re.compile(r"([a-z]+)_(?:partial_)?\d+\.(?:jpe?g|png)$")
THRESHOLDS = (50, 70, 80, 90, 95, 99)
CLOSEST_DIFFERENT_PAIRS = 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def image_timings(service: FaceService, pictures: dict[str, bytes], repeat: int) -> None:
    print("1. ms per image (median / p95)")
    print(f"   {'image':<28}{'pixels':>12}{'faces':>7}{'detect':>16}{'index':>16}")
    service.create_collection({"CollectionId": "bench-index"})
    all_detect, all_index = [], []
    for name, data in pictures.items():
        request = {"Image": {"Bytes": data}}
        found = service.detect_faces({**request, "Attributes": ["ALL"]})["FaceDetails"]
        detect = timed(lambda r=request: service.detect_faces({**r, "Attributes": ["ALL"]}),
                       repeat)
        index = timed(lambda r=request: service.index_faces({**r, "CollectionId": "bench-index"}),
                      repeat)
        all_detect += detect
        all_index += index
        width, height = Image.open(io.BytesIO(data)).size
        print(f"   {name:<28}{f'{width}x{height}':>12}{len(found):>7}"
              f"{statistics.median(detect):>8.0f} /{percentile(detect, .95):>5.0f}"
              f"{statistics.median(index):>8.0f} /{percentile(index, .95):>5.0f}")
    print(f"   all images: detect median {statistics.median(all_detect):.0f} ms, "
          f"p95 {percentile(all_detect, .95):.0f} ms; index median "
          f"{statistics.median(all_index):.0f} ms, p95 {percentile(all_index, .95):.0f} ms")


def search_timings(service: FaceService, query: np.ndarray) -> None:
    print("\n2. collection scan of SearchFacesByImage (median / p95 of 50 searches)")
    rng = np.random.default_rng(7)
    for size in (1_000, 10_000, 100_000):
        collection = f"bench-search-{size}"
        service.create_collection({"CollectionId": collection})
        # dlib encodings have a length of about 0.9-1.0; random ones of that length are far apart.
        encodings = rng.normal(size=(size, 128)).astype(np.float32)
        encodings *= 0.95 / np.linalg.norm(encodings, axis=1, keepdims=True)
        service.store.add_faces(collection, [
            (StoredFace(f"{i:08x}-0000-4000-8000-000000000000", "bench", None, 99.9,
                        {"Width": 0.1, "Height": 0.1, "Left": 0.1, "Top": 0.1}), encoding)
            for i, encoding in enumerate(encodings)])
        service.store.matrix(collection)  # loaded once, as after the first search
        times = timed(lambda c=collection: service._matches(
            c, query, {"FaceMatchThreshold": 80, "MaxFaces": 1}), 50)
        print(f"   {size:>7} faces: {statistics.median(times):6.2f} ms / "
              f"{percentile(times, .95):6.2f} ms")


def curve_table() -> None:
    print(f"\n3. similarity curve: distance {curve.SAME_PERSON_CUTOFF} -> {curve.AT_CUTOFF:.0f}, "
          f"{curve.DIFFERENT_PEOPLE} -> {curve.AT_DIFFERENT_PEOPLE:.0f}; goals: <= "
          f"{curve.SAME_PERSON_PAIRS} scores >= {curve.SAME_PERSON_AT_LEAST:.0f}, >= "
          f"{curve.DIFFERENT_PAIRS:.2f} scores < {curve.DIFFERENT_BELOW:.0f}")
    print(f"   {'distance':>10}{'similarity':>12}")
    for distance in curve.SHOWN_DISTANCES:
        print(f"   {distance:>10.2f}{float(similarity(distance)):>12.4f}")


def labelled_encodings(engine: FaceEngine, photos: Path) -> list[tuple[str, str, np.ndarray]]:
    """(person, file name, encoding of the photo's largest face) for each single-person photo."""
    encodings = []
    for path in sorted(photos.iterdir()):
        match = SINGLE_PERSON.fullmatch(path.name)
        if not match:
            continue
        faces = engine.find_faces(decode(path.read_bytes()))
        if not faces:
            print(f"   {path.name}: no face found")
            continue
        encodings.append((match.group(1), path.name, faces[0].encoding))
    return encodings


def print_pairs(title: str, pairs: list[tuple[float, str, str]]) -> None:
    print(f"   {title}")
    for distance, a, b in pairs:
        print(f"     {a:<20}{b:<20}{distance:>9.3f}{float(similarity(distance)):>12.4f}")


def calibration(engine: FaceEngine, photos: Path) -> None:
    print(f"\n4. similarity calibration on {photos}")
    encodings = labelled_encodings(engine, photos)
    same: list[tuple[float, str, str]] = []
    different: list[tuple[float, str, str]] = []
    for (person_a, name_a, a), (person_b, name_b, b) in itertools.combinations(encodings, 2):
        pair = (float(np.linalg.norm(a - b)), name_a, name_b)
        (same if person_a == person_b else different).append(pair)
    if not same or not different:
        print("   too few labelled photos: no same-person or no different-person pair")
        return
    same.sort()
    different.sort()
    print(f"     {'photo':<20}{'photo':<20}{'distance':>9}{'similarity':>12}")
    print_pairs(f"{len(same)} same-person pairs:", same)
    print_pairs(f"the {min(CLOSEST_DIFFERENT_PAIRS, len(different))} closest of "
                f"{len(different)} different-person pairs:", different[:CLOSEST_DIFFERENT_PAIRS])
    same_scores = similarity(np.array([distance for distance, *_ in same]))
    different_scores = similarity(np.array([distance for distance, *_ in different]))
    print(f"   {len(encodings)} photos; same person: distance {same[0][0]:.3f}-{same[-1][0]:.3f}, "
          f"similarity {same_scores.min():.2f}-{same_scores.max():.2f}; different people: "
          f"distance {different[0][0]:.3f}-{different[-1][0]:.3f}, similarity "
          f"{different_scores.min():.4f}-{different_scores.max():.2f}")
    print(f"   {'threshold':>10}{'TPR':>8}{'FPR':>8}")
    for threshold in THRESHOLDS:
        print(f"   {threshold:>10}{(same_scores >= threshold).mean():>8.1%}"
              f"{(different_scores >= threshold).mean():>8.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    # No cache: each repeat must analyse the image again, or part 1 would time cache hits.
    engine = FaceEngine(cache_bytes=0)
    with tempfile.TemporaryDirectory() as folder:
        service = FaceService(FaceStore(Path(folder) / "bench.sqlite"), engine,
                              lambda *_: b"")
        pictures = {name: data for name, data in images().items()
                    if name not in ("not_an_image", "truncated_png")}
        if args.photos.is_dir():
            for path in sorted(args.photos.glob("*.jp*g"))[:6]:
                pictures[f"photos/{path.name}"] = path.read_bytes()
        service.detect_faces({"Image": {"Bytes": pictures["astronaut"]}})  # load the models
        image_timings(service, pictures, args.repeat)
        query = engine.find_faces(decode(pictures["astronaut"]))[0].encoding
        search_timings(service, query)
    curve_table()
    if args.photos.is_dir():
        calibration(engine, args.photos)
    else:
        print(f"\n4. similarity calibration skipped: no photos at {args.photos}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
