"""Every environment variable of ours, with what it means. ``EKYC_*`` ones tune the embedded
engine, the client and the tests; the starter Lambda's are set by the template."""

from __future__ import annotations

from .item import UPLOADS

# The embedded engine and its face service.
FACES_DELAY_MS = "EKYC_FACES_DELAY_MS"
FACES_68_LANDMARKS = "EKYC_FACES_68_LANDMARKS"
FACES_CACHE_MB = "EKYC_FACES_CACHE_MB"
ENGINE_LOG = "EKYC_ENGINE_LOG"
RETRY_TIME_SCALE = "EKYC_RETRY_TIME_SCALE"
VISIBILITY_TIME_SCALE = "EKYC_VISIBILITY_TIME_SCALE"
# The client.
API_URL = "EKYC_API_URL"
# The demo.
VERBOSE = "EKYC_VERBOSE"
# Step Functions Local's name for its MockConfigFile, which the engine reads the same way.
MOCK_CONFIG = "SFN_MOCK_CONFIG"

# The starter Lambda's, one more per upload (contract.item.Upload.state_machine_variable).
TABLE_NAME = "TABLE_NAME"
COLLECTION_ID = "COLLECTION_ID"
ABANDONED_RECORD_DAYS = "ABANDONED_RECORD_DAYS"

MEANINGS = {
    FACES_DELAY_MS: "milliseconds the local face service waits before each call that "
                    "processes an image, to stand for Rekognition's latency (default 0)",
    FACES_68_LANDMARKS: "1: the local face service tells closed eyes with dlib's 68-landmark "
                        "model (off unless set)",
    FACES_CACHE_MB: "megabytes of analysed images the local face service keeps, by content "
                    "hash, so an image sent again is not analysed again (default 256; 0 turns "
                    "the cache off)",
    ENGINE_LOG: "set: the engine's Step Functions interpreter logs its errors (quiet unless "
                "set)",
    RETRY_TIME_SCALE: "factor on the engine's Retry waits, e.g. 0.01 in the tests (default 1)",
    VISIBILITY_TIME_SCALE: "factor on the engine's SQS visibility timeouts, so failed "
                           "messages come back sooner in the tests (default 1)",
    API_URL: "the client's default --api-url, the synchronous API's base URL",
    VERBOSE: "1: `make demo` also prints the change set, the stack's outputs, each execution's "
             "states, the messages and the engine's logs, and lets library warnings through",
    MOCK_CONFIG: "the MockConfigFile whose test cases the engine answers for "
                 "<state machine ARN>#<test case> executions",
    TABLE_NAME: "the starter's users table",
    COLLECTION_ID: "the starter's Rekognition collection, where it deletes a replaced face",
    ABANDONED_RECORD_DAYS: "days after its last upload the starter lets DynamoDB delete the "
                           "item of a user without a registered face (0 or unset: never)",
    **{upload.state_machine_variable: f"the starter's ARN of the workflow for {upload.prefix} "
                                      "uploads" for upload in UPLOADS},
}
