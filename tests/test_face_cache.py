"""The face service's analysis cache: bounded, shared safely between threads, and invisible in
the answers (every action answers the same with the cache on and off)."""

from __future__ import annotations

import copy
import threading
import time

import pytest

from engine.cache import BoundedCache
from engine.rekognition.engine import FaceEngine, default_cache_bytes
from engine.rekognition.models import FaceService, RekognitionError
from engine.rekognition.store import FaceStore
from harness.burst import with_comment
from harness.pictures import images

FACES = ("astronaut", "astronaut_png", "mirrored", "id_card", "hopper", "hopper_id_card",
         "two_faces", "two_hoppers", "sunglasses", "rotated", "blurred")
PICTURES = (*FACES, "coffee")


# --- the cache on its own ---------------------------------------------------------------------

def test_least_recently_used_entries_leave_first_once_over_the_bound():
    cache = BoundedCache(max_size=10, size=len)
    for key in (b"a", b"b", b"c"):
        cache.get_or_compute(key, lambda key=key: key * 3)
    cache.get_or_compute(b"a", lambda: pytest.fail("a is kept"))  # a is now the most recent
    cache.get_or_compute(b"d", lambda: b"ddd")  # 12 > 10: b leaves
    assert cache.get_or_compute(b"b", lambda: b"new") == b"new"
    assert cache.used <= 10 and len(cache) == 3
    assert cache.get_or_compute(b"d", lambda: pytest.fail("d is kept")) == b"ddd"


def test_a_value_larger_than_the_bound_is_answered_but_not_kept():
    cache = BoundedCache(max_size=2, size=len)
    assert cache.get_or_compute(b"k", lambda: b"big") == b"big"
    assert len(cache) == 0 and cache.used == 0


def test_requests_for_one_key_at_once_compute_it_once():
    cache = BoundedCache(max_size=100, size=lambda _: 1)
    calls, started = [], threading.Barrier(8)

    def compute():
        calls.append(1)
        time.sleep(0.2)  # long enough for every other thread to arrive meanwhile
        return "value"

    answers = []

    def ask():
        started.wait()
        answers.append(cache.get_or_compute(b"same", compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["value"] * 8 and len(calls) == 1


def test_a_slow_key_keeps_no_other_key_waiting():
    cache = BoundedCache(max_size=100, size=lambda _: 1)
    release = threading.Event()
    slow = threading.Thread(target=cache.get_or_compute,
                            args=(b"slow", lambda: release.wait(10) and "slow"))
    slow.start()
    try:
        started = time.monotonic()
        assert cache.get_or_compute(b"quick", lambda: "quick") == "quick"
        assert time.monotonic() - started < 1
    finally:
        release.set()
        slow.join()


def test_a_failure_is_not_kept_and_a_waiting_request_computes_for_itself():
    cache = BoundedCache(max_size=100, size=lambda _: 1)
    entered, release = threading.Event(), threading.Event()

    def failing():
        entered.set()
        release.wait(10)
        raise ValueError("unreadable")

    failure = []

    def ask_and_fail():
        try:
            cache.get_or_compute(b"k", failing)
        except ValueError as error:
            failure.append(error)

    first = threading.Thread(target=ask_and_fail)
    first.start()
    entered.wait(10)
    waiter_answer = []
    waiter = threading.Thread(target=lambda: waiter_answer.append(
        cache.get_or_compute(b"k", lambda: "second try")))
    waiter.start()
    time.sleep(0.1)
    release.set()
    first.join()
    waiter.join()
    assert failure and waiter_answer == ["second try"]
    assert cache.get_or_compute(b"k", lambda: "third") == "second try"  # the success is kept


@pytest.mark.parametrize("value,expected", [("", 256 * 1024 * 1024), ("0", 0),
                                            ("1.5", 1536 * 1024)])
def test_the_bound_comes_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("EKYC_FACES_CACHE_MB", value)
    assert default_cache_bytes() == expected
    assert (FaceEngine().cache is None) == (expected == 0)


@pytest.mark.parametrize("value", ["lots", "-1"])
def test_a_bad_bound_is_refused_with_the_variable_named(monkeypatch, value):
    monkeypatch.setenv("EKYC_FACES_CACHE_MB", value)
    with pytest.raises(ValueError, match="EKYC_FACES_CACHE_MB"):
        default_cache_bytes()


# --- answers with the cache on and off --------------------------------------------------------

@pytest.fixture(scope="module")
def engines():
    """A face engine without the cache and one with it (each loads the models once)."""
    return {"off": FaceEngine(cache_bytes=0), "on": FaceEngine()}


@pytest.fixture(scope="module")
def services(engines):
    """Two face services alike but for the cache, each with its own collection."""
    made = {}
    for name, engine in engines.items():
        service = FaceService(FaceStore(":memory:"), engine, lambda *_: b"")
        service.create_collection({"CollectionId": "people"})
        made[name] = service
    assert made["off"].engine.cache is None and made["on"].engine.cache is not None
    return made


def without_ids(answer: dict) -> dict:
    """The answer with the face and image ids (new random ones on every IndexFaces) blanked."""
    answer = copy.deepcopy(answer)
    for record in answer.get("FaceRecords", []) + answer.get("FaceMatches", []):
        face = record.get("Face", {})
        for key in ("FaceId", "ImageId"):
            if key in face:
                face[key] = "-"
    return answer


def both(services, action: str, request: dict) -> tuple[dict, dict, dict]:
    """The action's answers without the cache, with it on first sight, and from the cache."""
    off = getattr(services["off"], action)(copy.deepcopy(request))
    first = getattr(services["on"], action)(copy.deepcopy(request))
    again = getattr(services["on"], action)(copy.deepcopy(request))
    return off, first, again


@pytest.mark.parametrize("name", PICTURES)
def test_detect_faces_answers_alike_with_the_cache_on_and_off(services, name):
    off, first, again = both(services, "detect_faces",
                             {"Image": {"Bytes": images()[name]}, "Attributes": ["ALL"]})
    assert off == first == again
    default = services["on"].detect_faces({"Image": {"Bytes": images()[name]}})
    assert default["FaceDetails"] == [
        {key: value for key, value in detail.items() if key != "Sunglasses"}
        for detail in off["FaceDetails"]]


@pytest.mark.parametrize("source,target", [
    ("astronaut", "id_card"), ("hopper", "hopper_id_card"), ("hopper", "id_card"),
    ("astronaut", "two_faces"), ("astronaut", "astronaut"),
])
def test_compare_faces_answers_alike_with_the_cache_on_and_off(services, source, target):
    request = {"SourceImage": {"Bytes": images()[source]},
               "TargetImage": {"Bytes": images()[target]}, "SimilarityThreshold": 0}
    off, first, again = both(services, "compare_faces", request)
    assert off == first == again and off["FaceMatches"]


def test_index_and_search_answer_alike_with_the_cache_on_and_off(services):
    for name in ("astronaut", "hopper", "two_faces"):
        services["on"].detect_faces({"Image": {"Bytes": images()[name]}})  # now in the cache
        off, on = (without_ids(service.index_faces({
            "CollectionId": "people", "Image": {"Bytes": images()[name]},
            "ExternalImageId": name, "DetectionAttributes": ["ALL"]}))
            for service in (services["off"], services["on"]))
        assert off == on and off["FaceRecords"]
    for name in ("astronaut", "mirrored", "id_card", "hopper_id_card", "two_hoppers"):
        off, first, again = (without_ids(answer) for answer in both(
            services, "search_faces_by_image", {
                "CollectionId": "people", "Image": {"Bytes": images()[name]},
                "FaceMatchThreshold": 0}))
        assert off == first == again and off["FaceMatches"]


@pytest.mark.parametrize("name", ["coffee", "not_an_image", "truncated_png"])
def test_refusals_are_alike_with_the_cache_on_and_off(services, name):
    request = {"CollectionId": "people", "Image": {"Bytes": images()[name]}}
    refusals = []
    for service in (services["off"], services["on"], services["on"]):
        with pytest.raises(RekognitionError) as raised:
            service.search_faces_by_image(copy.deepcopy(request))
        refusals.append((raised.value.code, raised.value.message))
    assert refusals[0] == refusals[1] == refusals[2]


def test_an_image_is_analysed_once_per_content_not_per_file(engines):
    picture = with_comment(images()["astronaut"], "analysed once")
    renamed = with_comment(picture, "another file, the same pixels")
    with engines["on"].watch() as analysed:
        for data in (picture, picture, renamed, picture, renamed):
            engines["on"].analyse(data)
    assert sorted(analysed.values()) == [1, 1]
    with engines["off"].watch() as analysed:
        for _ in range(3):
            engines["off"].analyse(picture)
    assert list(analysed.values()) == [3]


def test_what_the_cache_hands_out_cannot_be_changed_by_a_caller(engines):
    analysis = engines["on"].analyse(images()["astronaut"])
    with pytest.raises(ValueError, match="read-only"):
        analysis.pixels[0, 0] = 0
    with pytest.raises(ValueError, match="read-only"):
        analysis.faces[0].encoding[0] = 0
