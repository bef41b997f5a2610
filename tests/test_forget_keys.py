"""The keys an erasure names are exactly the keys the starter accepts for a user's uploads."""

from __future__ import annotations

from contract.keys import ID_DOCUMENT_PREFIX, IMAGE_EXTENSIONS, SELFIE_PREFIX
from lambdas import starter
from statemachines import asl, forget

USER = "alice"


def named_keys() -> list[str]:
    """The keys the erasure's DeleteObjects names for ``USER``, read off its definition."""
    state = asl.all_states(forget.build())[forget.DELETE_OBJECTS]
    formats = [entry["Key.$"] for entry in state["Parameters"]["Delete"]["Objects"]]
    prefix, suffix = "States.Format('", "', $.userid)"
    assert all(f.startswith(prefix) and f.endswith(suffix) for f in formats)
    return [f[len(prefix):-len(suffix)].format(USER) for f in formats]


def casings(extension: str) -> set[str]:
    """Every way to write ``extension`` in lower and upper case, counted bit by bit."""
    return {"".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(extension))
            for mask in range(2 ** len(extension))}


def test_forget_names_every_upload_key_the_starter_accepts_and_no_other():
    accepted = {f"{prefix}{USER}.{case}" for prefix in (ID_DOCUMENT_PREFIX, SELFIE_PREFIX)
                for ext in IMAGE_EXTENSIONS for case in casings(ext)}
    assert {"selfie/alice.Jpg", "id_document/alice.jPeG", "selfie/alice.PNG"} <= accepted
    for key in accepted:
        assert starter.parse_key(key) == (key.split("/")[0], USER), key
    uploads = [key for key in named_keys() if not key.startswith("thumbnails/")]
    assert sorted(uploads) == sorted(accepted)  # each once, none the starter refuses


def test_the_erasure_names_the_thumbnail_and_fits_one_delete_objects_request():
    """DeleteObjects takes "a list of up to 1000 keys" (Amazon S3 API Reference,
    DeleteObjects)."""
    keys = named_keys()
    assert f"thumbnails/{USER}.jpg" in keys
    assert len(keys) == len(set(keys)) <= 1000
