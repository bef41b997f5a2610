"""Scenarios of ``POST /register-idcard``."""

from __future__ import annotations

from .. import api_common as api
from .. import id_fields as fields
from .. import quality_gate as gate
from .. import register_idcard as wf
from .. import registration as reg
from .. import registry
from ..common import ROUND_SIMILARITY, SHOW_SIMILARITY, SHOW_TINY_SIMILARITY
from . import library as mock
from .api import (
    FAILURE_TAIL,
    INLINE_ID_CARD,
    INLINE_SELFIE,
    LARGEST_USERID,
    api_scenario,
    gate_refusals,
    in_another_folder,
    largest_inline_image,
    s3_image,
)

USER = "frank"
REQUEST = {"userid": USER, "selfie": INLINE_SELFIE, "idcard": INLINE_ID_CARD}
BEFORE_GATE = (wf.READ_THRESHOLDS, reg.GET_USER, reg.USER_KNOWN)
TO_COMPARE = BEFORE_GATE + (gate.DETECT, gate.COUNT_FACES, gate.QUALITY, wf.COMPARE)
COMPARED = TO_COMPARE + (SHOW_SIMILARITY, ROUND_SIMILARITY, wf.SIMILAR)
NEW_FACE = COMPARED + mock.searched(reg.SEARCH, mock.NO_DUPLICATE) + (reg.FACE_KNOWN,
                                                                      fields.WANTED)
READ = (fields.ANALYZE, fields.READ, fields.KEEP)
INDEXED = (reg.INDEX, reg.INDEXED, reg.WHERE_STORED)
PASSED = {gate.DETECT: mock.ONE_GOOD_FACE, wf.COMPARE: mock.SIMILAR,
          reg.SEARCH: mock.NO_DUPLICATE, fields.ANALYZE: mock.ID_READ,
          reg.INDEX: mock.INDEXED}
NOT_REGISTERED = {"rek_faceid": None}
# As large as a request gets: the longest user id and two inline images at the API's limit.
LARGEST_REQUEST = {"userid": LARGEST_USERID, "selfie": largest_inline_image("/9j/4AAQSkZJ"),
                   "idcard": largest_inline_image("/9j/4AAQSkZJRgABAg")}
WITHOUT_TEXTRACT = registry.REGISTER_IDCARD_WITHOUT_TEXTRACT.name


def refused(name: str, description: str, error: str, *, mocks: dict, path: tuple,
            reason: str | None = None, **extra):
    answer = {"status": error, "userid": USER, **({"reason": reason} if reason else {})}
    return api_scenario(wf.NAME, name, description, request=REQUEST, mocks=mocks,
                        path=path + FAILURE_TAIL, error=error, answer=answer,
                        **{"item": NOT_REGISTERED, **extra})


SCENARIOS = [
    api_scenario(
        wf.NAME, "Registered", "Selfie and ID match, the face is new, Textract reads the "
        "fields: indexed and recorded with them.", request=REQUEST, mocks=PASSED,
        path=NEW_FACE + READ + INDEXED + (reg.SENT_INLINE, wf.RECORD, wf.ANSWER),
        item={"rek_faceid": mock.INDEXED_FACE_ID, "similarity": 98.25,
              "registered_via": wf.ROUTE, **mock.ID_FIELDS_ITEM},
        answer={"status": "Registered", "userid": USER, "face_id": mock.INDEXED_FACE_ID,
                "similarity": 98.25, "id_fields": {
                    "first_name": "ALICE", "last_name": "MARTIN",
                    "date_of_birth": "12 MAR 1990", "document_number": "X4RTBPFW4",
                    "expiry": "01 JAN 2031"}}),
    api_scenario(
        WITHOUT_TEXTRACT, "RegisteredWithoutTextract", "AnalyzeIdDocuments=false and the "
        "both images in S3, in the user's folder: no fields, the selfie's place recorded.",
        request={**REQUEST, "selfie": s3_image("api/frank/selfie.jpg"),
                 "idcard": s3_image("api/frank/id-card.jpg")}, mocks=PASSED,
        path=NEW_FACE + (fields.SKIP,) + INDEXED + (reg.STORED_IN_S3, wf.RECORD, wf.ANSWER),
        item={"rek_faceid": mock.INDEXED_FACE_ID, "selfie_object": "api/frank/selfie.jpg",
              **mock.NO_ID_FIELDS_ITEM},
        answer={"status": "Registered", "face_id": mock.INDEXED_FACE_ID}),
    refused("NotTheIdOwner", "The selfie scores 57.6106 against the ID photo: the reason "
            "rounds it to one decimal.", "IdDocumentMismatch", reason="similarity 57.6 < 80",
            mocks={**PASSED, wf.COMPARE: mock.NOT_SIMILAR}, path=COMPARED + (wf.NOT_SIMILAR,)),
    refused("StrangerOnId", "The ID photo shows a stranger, scored 1.23e-05: the reason "
            "shows 0.0.", "IdDocumentMismatch", reason="similarity 0.0 < 80",
            mocks={**PASSED, wf.COMPARE: mock.STRANGER},
            path=TO_COMPARE + (SHOW_SIMILARITY, SHOW_TINY_SIMILARITY, wf.SIMILAR,
                               wf.NOT_SIMILAR)),
    refused("NoFaceMatchedOnId", "CompareFaces scores no face on the ID photo.",
            "IdDocumentMismatch", reason="no face on the ID document to compare with",
            mocks={**PASSED, wf.COMPARE: mock.NO_MATCHES},
            path=TO_COMPARE + (SHOW_SIMILARITY, wf.SIMILAR, wf.NOTHING_MATCHED)),
    refused("NoComparableFace", "CompareFaces finds no face in the ID image.",
            "IdDocumentMismatch", reason="no comparable face on the ID document",
            mocks={**PASSED, wf.COMPARE: mock.NO_COMPARABLE_FACE},
            path=TO_COMPARE + (wf.NO_COMPARABLE_FACE,)),
    refused("DuplicateFace", "The face is registered under another user id.",
            "DuplicateFace", mocks={**PASSED, reg.SEARCH: mock.DUPLICATE},
            path=COMPARED + mock.searched(reg.SEARCH, mock.DUPLICATE)
            + (reg.FACE_KNOWN, reg.DUPLICATE)),
    refused("DuplicateNotRuledOut", "Every face the search returns, as many as it asks for, "
            "is on an ID document: a registration may rank below them.", "DuplicateFace",
            reason=reg.HIDDEN_DUPLICATE_REASON,
            mocks={**PASSED, reg.SEARCH: mock.ID_FACES_TO_THE_LIMIT},
            path=COMPARED + mock.searched(reg.SEARCH, mock.ID_FACES_TO_THE_LIMIT)
            + (reg.FACE_KNOWN, reg.HIDDEN_DUPLICATE)),
    api_scenario(
        wf.NAME, "RegisteredPastAnIdFace", "The only match is the face on someone's ID "
        "document: no registration, so no duplicate, as if nothing had matched.",
        request=REQUEST, mocks={**PASSED, reg.SEARCH: mock.ONLY_AN_ID_FACE},
        path=COMPARED + mock.searched(reg.SEARCH, mock.ONLY_AN_ID_FACE)
        + (reg.FACE_KNOWN, fields.WANTED) + READ + INDEXED + (reg.SENT_INLINE, wf.RECORD,
                                                              wf.ANSWER),
        item={"rek_faceid": mock.INDEXED_FACE_ID, "registered_via": wf.ROUTE},
        answer={"status": "Registered", "userid": USER, "face_id": mock.INDEXED_FACE_ID}),
    refused("NotAnIdDocument", "Textract does not take the image for an ID document.",
            "IdDocumentUnreadable", mocks={**PASSED, fields.ANALYZE: mock.ID_UNSUPPORTED},
            path=NEW_FACE + (fields.ANALYZE, wf.UNREADABLE)),
    refused("IdFieldsMissing", "Textract answers without the fields we keep.",
            "IdDocumentUnreadable", mocks={**PASSED, fields.ANALYZE: mock.ID_NO_FIELDS},
            path=NEW_FACE + (fields.ANALYZE, fields.READ, wf.UNREADABLE)),
    refused("IdFieldsEmpty", "Textract answers every field, but the document number and the "
            "expiry with an empty text: it could not read them.",
            "IdDocumentUnreadable", mocks={**PASSED, fields.ANALYZE: mock.ID_FIELDS_EMPTY},
            path=NEW_FACE + (fields.ANALYZE, fields.READ, wf.UNREADABLE)),
    refused("AlreadyRegistered", "The user id already has a face.", "AlreadyRegistered",
            mocks={}, path=BEFORE_GATE + (reg.ALREADY_REGISTERED,),
            seed_item={"rek_faceid": mock.REGISTERED_FACE_ID},
            item={"rek_faceid": mock.REGISTERED_FACE_ID}),
    refused("FaceNotIndexed", "IndexFaces indexes nothing.", "FaceRejected",
            reason="face could not be indexed", mocks={**PASSED, reg.INDEX: mock.NOT_INDEXED},
            path=NEW_FACE + READ + (reg.INDEX, reg.INDEXED, reg.NOT_INDEXED)),
    refused("RegisteredMeanwhile", "Another request registered the user id first.",
            "AlreadyRegistered", mocks={**PASSED, wf.RECORD: mock.CONDITION_FAILED,
                                        reg.UNDO_INDEX: mock.FACE_DELETED},
            path=NEW_FACE + READ + INDEXED + (reg.SENT_INLINE, wf.RECORD, reg.UNDO_INDEX,
                                              reg.WHY_NOT_RECORDED, reg.ALREADY_REGISTERED)),
    refused("RecordFails", "The record cannot be written: the face is removed again.",
            "ServiceError", mocks={**PASSED, wf.RECORD: mock.RECORD_REFUSED,
                                   reg.UNDO_INDEX: mock.FACE_DELETED},
            path=NEW_FACE + READ + INDEXED + (reg.SENT_INLINE, wf.RECORD, reg.UNDO_INDEX,
                                              reg.WHY_NOT_RECORDED, api.DESCRIBE_ERROR)),
    refused("NotAnImage", "Rekognition cannot read the selfie.", "InvalidImage",
            mocks={gate.DETECT: mock.DETECT_BAD_FORMAT},
            path=BEFORE_GATE + (gate.DETECT, api.INVALID_IMAGE)),
    *gate_refusals(wf.NAME, before=BEFORE_GATE, request=REQUEST, item=NOT_REGISTERED),
    api_scenario(
        wf.NAME, "LargestRequestCrowdOnIdCard", "The largest request, an ID image with 30 "
        "faces, all scored by CompareFaces, and a search answering one face fewer than it asks "
        "for, all on other users' ID documents: registered, every state within the 256 KiB "
        "quota.",
        request=LARGEST_REQUEST,
        mocks={**PASSED, gate.DETECT: mock.ONE_FULL_FACE, wf.COMPARE: mock.CROWD_ON_ID_CARD,
               reg.SEARCH: mock.ID_FACES_BELOW_THE_LIMIT},
        path=COMPARED + mock.searched(reg.SEARCH, mock.ID_FACES_BELOW_THE_LIMIT)
        + (reg.FACE_KNOWN, fields.WANTED) + READ + INDEXED + (reg.SENT_INLINE, wf.RECORD,
                                                              wf.ANSWER),
        item={"rek_faceid": mock.INDEXED_FACE_ID, "similarity": 98.25},
        answer={"status": "Registered", "userid": LARGEST_USERID, "similarity": 98.25}),
    api_scenario(
        wf.NAME, "LargestRequestCrowdInSelfie", f"The largest request, and a selfie with "
        f"{mock.CROWD} faces described with every attribute: refused, every state within the "
        "256 KiB quota.", request=LARGEST_REQUEST, mocks={gate.DETECT: mock.CROWD_IN_SELFIE},
        path=BEFORE_GATE + (gate.DETECT, gate.COUNT_FACES, gate.SEVERAL_FACES) + FAILURE_TAIL,
        error="FaceRejected", item=NOT_REGISTERED,
        answer={"status": "FaceRejected", "reason": f"{mock.CROWD} faces",
                "userid": LARGEST_USERID}),
    in_another_folder(wf.NAME, "SelfieInAnotherFolder", {
        **REQUEST, "selfie": s3_image("api/mallory/selfie.jpg")}, "selfie",
        "The selfie is an S3 object in another user's folder: a 400, nothing read."),
    in_another_folder(wf.NAME, "IdCardInAnotherFolder", {
        **REQUEST, "selfie": s3_image("api/frank/selfie.jpg"),
        "idcard": s3_image("api/mallory/id-card.jpg")}, "idcard",
        "The selfie is in the user's folder, the ID document in another user's: a 400."),
]
