"""Scenarios of the ID document workflow in CompareMode COLLECTION: a twin of every scenario of
the default design, with the same verdict (the execution's status and error, the status
recorded), and the paths only this mode has (a ghost image, a replaced ID face).

Rekognition answers follow its API reference: IndexFaces (``FaceRecords``,
``UnindexedFaces``), DeleteFaces (``DeletedFaces``, ``UnsuccessfulFaceDeletions``).
"""

from __future__ import annotations

import dataclasses

from .. import id_document as idw
from .. import id_fields as fields
from .. import registry
from ..common import ERASED_MEANWHILE
from . import Scenario, returns, throws
from . import id_document as id_scenarios
from . import library as mock
from . import rekognition as rk

ID_FACE = "2d4c6e8a-1b3d-4f5a-8c7e-9a0b1c2d3e4f"
OLD_ID_FACE = "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968"
ID_FACE_INDEXED = returns("IndexFacesIdFace", rk.index_faces(ID_FACE, "_id:alice"))
ID_GHOST_INDEXED = returns("IndexFacesIdFaceAndGhost",
                           rk.index_faces(ID_FACE, "_id:alice", more_faces=1))
NOTHING_ON_ID = returns("IndexFacesNoFace", rk.index_faces(None, "_id:alice", faces_seen=False))
INDEX_TOO_LARGE = throws("IndexFacesTooLarge", "Rekognition.ImageTooLargeException",
                         "Image size is too large")
INDEX_DENIED = throws("IndexFacesIdDenied", "Rekognition.AccessDeniedException",
                      "User is not authorized to perform: rekognition:IndexFaces")
ID_FACE_DELETED = returns("DeleteFacesIdFace", {"DeletedFaces": [ID_FACE],
                                                "UnsuccessfulFaceDeletions": []})
OLD_ID_FACE_DELETED = returns("DeleteFacesOldIdFace", {"DeletedFaces": [OLD_ID_FACE],
                                                       "UnsuccessfulFaceDeletions": []})
TEXTRACT_DENIED = throws("AnalyzeIdDenied", "Textract.AccessDeniedException",
                         "User is not authorized to perform: textract:AnalyzeID")

ID_WORKFLOW = registry.ID_DOCUMENT_COLLECTION.name
ID_START = (idw.READ_SETTINGS, idw.INDEX, idw.READ_INDEXED, idw.FACE_FOUND)
ID_READ = (fields.WANTED, fields.ANALYZE, fields.READ, fields.KEEP)
ID_RECORDED = (idw.RECORD_ACCEPTED, idw.REPLACED)
ID_FAILURE = id_scenarios.FAILURE_TAIL


def id_twin(original: Scenario, *, path: tuple, mocks: dict, item: dict | None = None,
            workflow: str = ID_WORKFLOW) -> Scenario:
    """``original`` in COLLECTION mode: its verdict, this mode's path and answers."""
    return dataclasses.replace(original, workflow=workflow, path=path, mocks=mocks,
                               item=original.item if item is None else item)


def _id(name: str) -> Scenario:
    (found,) = [s for s in id_scenarios.SCENARIOS if s.name == name]
    return found


def _id_unreadable(name: str, analysis, path: tuple) -> Scenario:
    return id_twin(_id(name), path=ID_START + (fields.WANTED, fields.ANALYZE) + path
                   + (idw.UNREADABLE, idw.REMOVE_TURNED_DOWN) + ID_FAILURE,
                   mocks={idw.INDEX: ID_FACE_INDEXED, fields.ANALYZE: analysis,
                          idw.REMOVE_TURNED_DOWN: ID_FACE_DELETED})


ID_ACCEPTED_ITEM = {**id_scenarios.ACCEPTED, "id_faceid": ID_FACE}

SCENARIOS = [
    id_twin(_id("IdFaceFound"), path=ID_START + ID_READ + ID_RECORDED + (idw.ACCEPTED,),
            mocks={idw.INDEX: ID_FACE_INDEXED, fields.ANALYZE: mock.ID_READ},
            item={**ID_ACCEPTED_ITEM, **mock.ID_FIELDS_ITEM}),
    id_twin(_id("IdFaceFoundNoTextract"),
            workflow=registry.ID_DOCUMENT_COLLECTION_WITHOUT_TEXTRACT.name,
            path=ID_START + (fields.WANTED, fields.SKIP) + ID_RECORDED + (idw.ACCEPTED,),
            mocks={idw.INDEX: ID_FACE_INDEXED},
            item={**ID_ACCEPTED_ITEM, **mock.NO_ID_FIELDS_ITEM}),
    _id_unreadable("IdNotADocument", mock.ID_UNSUPPORTED, ()),
    _id_unreadable("IdFieldsMissing", mock.ID_NO_FIELDS, (fields.READ,)),
    _id_unreadable("IdFieldsEmpty", mock.ID_FIELDS_EMPTY, (fields.READ,)),
    id_twin(_id("IdNoFace"), path=ID_START + (idw.NO_FACE,) + ID_FAILURE,
            mocks={idw.INDEX: NOTHING_ON_ID}),
    id_twin(_id("IdTooLarge"), path=(idw.READ_SETTINGS, idw.INDEX, idw.NOT_AN_IMAGE)
            + ID_FAILURE, mocks={idw.INDEX: INDEX_TOO_LARGE}),
    id_twin(_id("IdNotificationFails"), path=ID_START + (idw.NO_FACE,) + ID_FAILURE,
            mocks={idw.INDEX: NOTHING_ON_ID, idw.NOTIFY_FAILURE: mock.PUBLISH_DENIED}),
    id_twin(_id("IdFailureNotRecorded"), path=ID_START + (idw.NO_FACE,) + ID_FAILURE,
            mocks={idw.INDEX: NOTHING_ON_ID, idw.RECORD_FAILURE: mock.RECORD_REFUSED}),
    id_twin(_id("IdRekognitionDenied"),
            path=(idw.READ_SETTINGS, idw.INDEX, idw.DESCRIBE_ERROR) + ID_FAILURE,
            mocks={idw.INDEX: INDEX_DENIED},
            item={"id_verify_status": "error",
                  "id_verify_reason": "Rekognition.AccessDeniedException: User is not "
                                      "authorized to perform: rekognition:IndexFaces"}),
    id_twin(_id("IdUserErasedMeanwhile"),
            path=ID_START + ID_READ + (idw.RECORD_ACCEPTED, idw.REMOVE_ERASED, ERASED_MEANWHILE),
            mocks={idw.INDEX: ID_FACE_INDEXED, fields.ANALYZE: mock.ID_READ,
                   idw.REMOVE_ERASED: ID_FACE_DELETED},
            item={**id_scenarios.ERASED, "id_faceid": None}),
    id_twin(_id("IdRejectedUserErased"),
            path=ID_START + (idw.NO_FACE, idw.RECORD_FAILURE, ERASED_MEANWHILE),
            mocks={idw.INDEX: NOTHING_ON_ID}),
    # --- this mode's own paths
    Scenario(
        workflow=ID_WORKFLOW, name="IdGhostImage", description="An ID card with a ghost "
        "image (a second, smaller portrait): IndexFaces, MaxFaces 1, indexes the largest face "
        "and lists the ghost as unindexed (EXCEEDS_MAX_FACES); both are counted.",
        userid="alice", upload="id_document", seed_item=id_scenarios.CLAIMED,
        mocks={idw.INDEX: ID_GHOST_INDEXED, fields.ANALYZE: mock.ID_READ},
        path=ID_START + ID_READ + ID_RECORDED + (idw.ACCEPTED,),
        item={**ID_ACCEPTED_ITEM, "id_face_count": 2}),
    Scenario(
        workflow=ID_WORKFLOW, name="IdReplacesOldFace", description="A second ID document: "
        "its face is recorded, and the face of the ID it replaces, which the record gives "
        "back (UPDATED_OLD), is removed from the collection.",
        userid="alice", upload="id_document",
        seed_item={**id_scenarios.CLAIMED, "id_faceid": OLD_ID_FACE},
        mocks={idw.INDEX: ID_FACE_INDEXED, fields.ANALYZE: mock.ID_READ,
               idw.REMOVE_REPLACED: OLD_ID_FACE_DELETED},
        path=ID_START + ID_READ + ID_RECORDED + (idw.REMOVE_REPLACED, idw.ACCEPTED),
        item=ID_ACCEPTED_ITEM),
    Scenario(
        workflow=ID_WORKFLOW, name="IdReplacedFaceLeft", description="As above, but the old "
        "ID face cannot be removed: the new ID stays accepted, and the run fails visibly.",
        userid="alice", upload="id_document",
        seed_item={**id_scenarios.CLAIMED, "id_faceid": OLD_ID_FACE},
        mocks={idw.INDEX: ID_FACE_INDEXED, fields.ANALYZE: mock.ID_READ,
               idw.REMOVE_REPLACED: mock.DELETE_DENIED},
        path=ID_START + ID_READ + ID_RECORDED + (idw.REMOVE_REPLACED, idw.REPLACED_FACE_LEFT),
        status="FAILED", error="IdDocumentError", item=ID_ACCEPTED_ITEM),
    Scenario(
        workflow=ID_WORKFLOW, name="IdErasedFaceLeft", description="The user is erased while "
        "the ID is read, and the face this run indexed cannot be removed: the run fails "
        "visibly and writes nothing.",
        userid="alice", upload="id_document", seed_item=None,
        mocks={idw.INDEX: ID_FACE_INDEXED, fields.ANALYZE: mock.ID_READ,
               idw.REMOVE_ERASED: mock.DELETE_DENIED},
        path=ID_START + ID_READ + (idw.RECORD_ACCEPTED, idw.REMOVE_ERASED,
                                   idw.ERASED_FACE_LEFT),
        status="FAILED", error="IdDocumentError", item=id_scenarios.ERASED),
    Scenario(
        workflow=ID_WORKFLOW, name="IdErrorAfterIndexing", description="Textract refuses "
        "the call after the face was indexed: the face is removed before the error is "
        "recorded and notified.",
        userid="alice", upload="id_document", seed_item=id_scenarios.CLAIMED,
        mocks={idw.INDEX: ID_FACE_INDEXED, fields.ANALYZE: TEXTRACT_DENIED,
               idw.UNDO_INDEX: ID_FACE_DELETED},
        path=ID_START + (fields.WANTED, fields.ANALYZE, idw.UNDO_INDEX, idw.DESCRIBE_ERROR)
        + ID_FAILURE, status="FAILED", error="IdDocumentError",
        item={"id_verify_status": "error", "id_faceid": None},
        notification={"userid": "alice", "flow": idw.NAME, "status": "error"}),
]

