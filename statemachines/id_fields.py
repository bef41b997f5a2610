"""Optional: read the fields of an ID document with Amazon Textract ``AnalyzeID``.

A direct SDK integration (the workshop needed a Lambda and a copy to another region). The
``AnalyzeIdDocuments`` parameter turns it off; the fields are then empty strings. Textract
answers every normalised field, with an empty text where it found none; a document it cannot
read at all, or whose fields we keep are missing or empty, goes to ``unreadable``.

``$.id_fields`` afterwards: ``first_name``, ``last_name``, ``date_of_birth``,
``document_number``, ``expiry`` (as printed; Textract also normalises dates, not used here).
"""

from __future__ import annotations

from contract.item import ID_FIELD_PREFIX
from contract.settings import ANALYZE_ID

from . import asl
from .common import RETRY_TEXTRACT

WANTED = "Read the ID document's fields?"
ANALYZE = "Read ID document fields"
READ = "Were the ID fields read?"
KEEP = "Keep the ID fields"
SKIP = "Leave the ID fields empty"

FIELDS = {  # our name -> Textract's normalised field type
    "first_name": "FIRST_NAME",
    "last_name": "LAST_NAME",
    "date_of_birth": "DATE_OF_BIRTH",
    "document_number": "DOCUMENT_NUMBER",
    "expiry": "EXPIRATION_DATE",
}
DOCUMENT_ERRORS = (
    "Textract.UnsupportedDocumentException",
    "Textract.BadDocumentException",
    "Textract.DocumentTooLargeException",
    "Textract.InvalidParameterException",
    "Textract.InvalidS3ObjectException",
)
SETTING = ANALYZE_ID.key


def attributes(prefix: str = ID_FIELD_PREFIX) -> dict[str, dict]:
    """The fields as DynamoDB attributes of the user's item."""
    return {f"{prefix}{name}": asl.ddb_string(f"$.id_fields.{name}") for name in FIELDS}


def add_id_fields(workflow: asl.Workflow, *, document: dict | str, unreadable: str,
                  on_error: list, next: str) -> None:
    """``document``: a Textract ``Document`` (same shape as Rekognition's ``Image``) or the
    path to one in the input."""
    pages = ({"DocumentPages.$": f"States.Array({document})"} if isinstance(document, str)
             else {"DocumentPages": [document]})
    fields = "$.IdentityDocuments[0].IdentityDocumentFields"
    workflow.add(WANTED, asl.choice(
        [(asl.boolean_equals(f"$.settings.{SETTING}", True), ANALYZE)], default=SKIP))
    workflow.add(ANALYZE, asl.task(
        asl.sdk("textract", "analyzeID"),
        parameters=pages,
        # A filter selects a list: each field is a list of (at most) one text.
        result_selector={
            f"{name}.$": f"{fields}[?(@.Type.Text == '{kind}')].ValueDetection.Text"
            for name, kind in FIELDS.items()
        },
        result_path="$.id_read",
        retry=RETRY_TEXTRACT,
        catch=[asl.catch(*DOCUMENT_ERRORS, next=unreadable), *on_error],
        next=READ,
    ))
    # Textract answers the normalized fields of the document (developer guide, "Identity
    # Documentation Response Objects"; API reference, AnalyzeID and IdentityDocumentField),
    # with an empty text for one it could not read. So a field is read when it is there and
    # its text is not empty; presence is checked first, as elsewhere.
    read = [condition for name in FIELDS for condition in (
        asl.is_present(f"$.id_read.{name}[0]"),
        asl.not_(asl.string_equals(f"$.id_read.{name}[0]", "")))]
    workflow.add(READ, asl.choice([(asl.all_of(*read), KEEP)], default=unreadable))
    workflow.add(KEEP, asl.pass_state(
        parameters={f"{name}.$": f"States.ArrayGetItem($.id_read.{name}, 0)"
                    for name in FIELDS},
        result_path="$.id_fields", next=next))
    workflow.add(SKIP, asl.pass_state(
        parameters=dict.fromkeys(FIELDS, ""), result_path="$.id_fields", next=next))
