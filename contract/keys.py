"""Where objects go in the upload bucket: the key prefixes, and what an upload may be."""

from __future__ import annotations

# Uploads: S3 notifies each prefix's queue, and the starter starts that prefix's workflow.
ID_DOCUMENT_PREFIX = "id_document/"
SELFIE_PREFIX = "selfie/"
# Written by the thumbnail function, read by nobody in the stack.
THUMBNAIL_PREFIX = "thumbnails/"
# Images the synchronous API reads as S3 objects (too large to send inline).
API_PREFIX = "api/"
# Every prefix that holds a user's pictures: what the image retention parameter expires.
IMAGE_PREFIXES = (ID_DOCUMENT_PREFIX, SELFIE_PREFIX, API_PREFIX, THUMBNAIL_PREFIX)

# What an uploaded picture's name may end with (the starter refuses anything else).
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png")
