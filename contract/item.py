"""The user item: one DynamoDB item per user id, shared by the starter, the workflows, the
API workflows, the client and the demo.

Each upload flow owns a few attributes, named after its short name and its verification (see
``Upload``); the rest are named here once. A status is ``processing`` from the upload until
its workflow records ``pass``, ``fail`` (rejected) or ``error`` (a fault).
"""

from __future__ import annotations

from dataclasses import dataclass

from .keys import ID_DOCUMENT_PREFIX, SELFIE_PREFIX

# The table's key, and the user id's name wherever it goes: workflow inputs, API requests.
PARTITION_KEY = "userid"
# The user id becomes Rekognition's ExternalImageId, whose alphabet is [a-zA-Z0-9_.\-:].
USERID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}"
# A face in the collection is named (ExternalImageId) after the user it was indexed for: a
# selfie's face by the user id alone, the face on a user's ID document (CompareMode COLLECTION)
# by this prefix and the user id. A user id starts with a letter or digit, so no user id can
# be mistaken for an ID document's face name.
ID_FACE_NAME_PREFIX = "_id:"

PROCESSING = "processing"
PASS = "pass"
FAIL = "fail"
ERROR = "error"
FINAL_STATUSES = (PASS, FAIL, ERROR)


@dataclass(frozen=True)
class Upload:
    """One kind of upload: its key prefix, and the attributes it leaves on the item."""

    prefix: str
    short: str  # begins the names of its executions and of its upload attributes
    verification: str  # begins the names of its workflow's status and reason
    state_machine_variable: str  # the starter's variable holding its workflow's ARN

    @property
    def folder(self) -> str:
        """The prefix without its slash, as the starter reads it off a key."""
        return self.prefix.rstrip("/")

    @property
    def bucket(self) -> str:
        return f"{self.short}_bucket"

    @property
    def object(self) -> str:
        return f"{self.short}_object"

    @property
    def event(self) -> str:
        """The execution name of the upload being processed (the starter's claim)."""
        return f"{self.short}_event"

    @property
    def claim(self) -> str:
        """The SQS message that holds the claim until the run has started."""
        return f"{self.short}_claim"

    @property
    def status(self) -> str:
        return f"{self.verification}_status"

    @property
    def reason(self) -> str:
        return f"{self.verification}_reason"


ID_DOCUMENT = Upload(ID_DOCUMENT_PREFIX, "id", "id_verify", "ID_DOCUMENT_STATE_MACHINE_ARN")
SELFIE = Upload(SELFIE_PREFIX, "selfie", "identity_verify",
                "IDENTITY_VERIFICATION_STATE_MACHINE_ARN")
UPLOADS = (ID_DOCUMENT, SELFIE)

# When DynamoDB's time to live may delete an item that never completed (epoch seconds, a
# number): set by the starter while the user has no registered face, removed by the write that
# registers one; absent unless the stack's AbandonedRecordDays is above 0.
EXPIRES_AT = "expires_at"

# Who wrote the item last, and when.
LAST_EXECUTION = "last_execution"
UPDATED_AT = "updated_at"

# The ID document's check.
ID_FACE_COUNT = "id_face_count"
ID_FIELD_PREFIX = "id_"  # + each field Textract reads: id_first_name, id_expiry, ...
# CompareMode COLLECTION: the FaceId of the face on the user's accepted ID document, indexed
# into the collection under ID_FACE_NAME_PREFIX + userid; the compare reads it to know which
# of the selfie's search matches is the ID's face.
ID_FACE_ID = "id_faceid"

# The nested compare's verdict (selfie vs ID document).
COMPARE_STATUS = "compare_status"
COMPARE_REASON = "compare_reason"
COMPARE_EXECUTION = "compare_execution"
SIMILARITY = "similarity"

# The registered face.
FACE_ID = "rek_faceid"
PREVIOUS_FACE_ID = "previous_faceid"
THUMBNAIL_KEY = "thumbnail_key"
PHOTO_UPLOADED_AT = "photo_uploaded_at"  # the event time of the selfie that passed
REGISTERED_VIA = "registered_via"  # the API route
REGISTERED_AT = "registered_at"
UPDATED_VIA = "updated_via"
