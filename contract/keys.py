"""Where objects go in the upload bucket: the key prefixes, and what an upload may be."""

from __future__ import annotations

# Uploads: S3 notifies each prefix's queue, and the starter starts that prefix's workflow.
ID_DOCUMENT_PREFIX = "id_document/"
SELFIE_PREFIX = "selfie/"
# Written by the thumbnail function, read by nobody in the stack.
THUMBNAIL_PREFIX = "thumbnails/"
# Images the synchronous API reads as S3 objects (too large to send inline), each in its
# user's folder, api/<userid>/<name>, so that erasing the user finds them.
API_PREFIX = "api/"
# The folder of /compare's images, which name no user: a user id starts with a letter or a
# digit, so no user's folder is called so.
API_NO_USER_FOLDER = "_compare"


def api_folder(userid: str) -> str:
    """The prefix of every API upload of ``userid``: ``api/<userid>/``."""
    return f"{API_PREFIX}{userid}/"


def api_key(userid: str | None, name: str) -> str:
    """Where an API upload named ``name`` goes: its user's folder, or /compare's when it
    belongs to no user (``userid`` None)."""
    return api_folder(userid or API_NO_USER_FOLDER) + name

# Every prefix that holds a user's pictures: what the image retention parameter expires.
IMAGE_PREFIXES = (ID_DOCUMENT_PREFIX, SELFIE_PREFIX, API_PREFIX, THUMBNAIL_PREFIX)

# What an uploaded picture's name may end with (the starter refuses anything else).
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png")
