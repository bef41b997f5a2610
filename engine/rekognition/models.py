"""Rekognition's face actions: requests and responses as dicts in Rekognition's own shapes.

Parameters are validated as Rekognition does and errors carry Rekognition's names, so callers
(our workflows' Retry and Catch among them) see what they would see on AWS.
"""

from __future__ import annotations

import base64
import re
import uuid

import numpy as np

from engine.service_protocol import ObjectReader, ServiceError, read_s3_object

from . import faces as details
from .engine import Analysis, FaceEngine, ImageError
from .similarity import distances, similarity
from .store import FaceStore, StoredFace

FACE_MODEL_VERSION = "local-dlib-resnet-1"
MAX_BYTES = 5 * 1024 * 1024  # Rekognition's limit for an image passed as Bytes
MAX_S3_OBJECT = 15 * 1024 * 1024  # and for an image in S3
COLLECTION_ID = re.compile(r"[a-zA-Z0-9_.\-]{1,255}")
EXTERNAL_IMAGE_ID = re.compile(r"[a-zA-Z0-9_.\-:]{1,255}")
FACE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Minimum detection confidence per QualityFilter level (AUTO: the service's own choice).
QUALITY_FLOORS = {"NONE": 0.0, "LOW": 50.0, "AUTO": 80.0, "MEDIUM": 80.0, "HIGH": 95.0}



class RekognitionError(ServiceError):
    """An error as Rekognition names it."""


def invalid(message: str) -> RekognitionError:
    return RekognitionError("InvalidParameterException", message)


class FaceService:
    """The face actions of one account and region."""

    def __init__(self, store: FaceStore, engine: FaceEngine, read_object: ObjectReader,
                 *, account: str = "123456789012", region: str = "us-east-1"):
        self.store, self.engine, self.read_object = store, engine, read_object
        self.account, self.region = account, region

    # --- images ----------------------------------------------------------------------------
    def _image_bytes(self, image: dict | None, name: str = "Image") -> bytes:
        if not isinstance(image, dict) or ("Bytes" in image) == ("S3Object" in image):
            raise invalid(f"{name} must hold exactly one of Bytes or S3Object")
        if "Bytes" in image:
            data = image["Bytes"]
            data = base64.b64decode(data) if isinstance(data, str) else bytes(data)
            if len(data) > MAX_BYTES:
                raise RekognitionError("ImageTooLargeException",
                                       f"{name} is {len(data)} bytes; the limit is {MAX_BYTES}")
            return data
        data = read_s3_object(self.read_object, image["S3Object"], name, RekognitionError)
        if len(data) > MAX_S3_OBJECT:
            raise RekognitionError("ImageTooLargeException",
                                   f"{name} is {len(data)} bytes; the limit is {MAX_S3_OBJECT}")
        return data

    def _analyse(self, image: dict | None, name: str = "Image") -> Analysis:
        data = self._image_bytes(image, name)
        try:
            return self.engine.analyse(data)
        except ImageError as error:
            raise RekognitionError("InvalidImageFormatException",
                                   f"Request has invalid image format: {error}") from error

    @staticmethod
    def _quality_floor(request: dict, default: str) -> float:
        level = request.get("QualityFilter", default)
        if level not in QUALITY_FLOORS:
            raise invalid(f"QualityFilter must be one of {sorted(QUALITY_FLOORS)}")
        return QUALITY_FLOORS[level]

    @staticmethod
    def _number(request: dict, name: str, default, low, high):
        value = request.get(name, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or \
                not low <= value <= high:
            raise invalid(f"{name} must be a number from {low} to {high}")
        return value

    def _collection(self, request: dict) -> str:
        collection_id = request.get("CollectionId")
        if not isinstance(collection_id, str) or not COLLECTION_ID.fullmatch(collection_id):
            raise invalid("CollectionId must match [a-zA-Z0-9_.\\-]+ (1-255 characters)")
        if self.store.collection(collection_id) is None:
            raise RekognitionError("ResourceNotFoundException",
                                   f"The collection id: {collection_id} does not exist")
        return collection_id

    # --- collections -----------------------------------------------------------------------
    def create_collection(self, request: dict) -> dict:
        collection_id = request.get("CollectionId")
        if not isinstance(collection_id, str) or not COLLECTION_ID.fullmatch(collection_id):
            raise invalid("CollectionId must match [a-zA-Z0-9_.\\-]+ (1-255 characters)")
        arn = f"arn:aws:rekognition:{self.region}:{self.account}:collection/{collection_id}"
        if not self.store.create_collection(collection_id, arn):
            raise RekognitionError("ResourceAlreadyExistsException",
                                   f"The collection id: {collection_id} already exists")
        return {"StatusCode": 200, "CollectionArn": arn, "FaceModelVersion": FACE_MODEL_VERSION}

    def delete_collection(self, request: dict) -> dict:
        self.store.delete_collection(self._collection(request))
        return {"StatusCode": 200}

    def describe_collection(self, request: dict) -> dict:
        collection = self.store.collection(self._collection(request))
        return {"FaceCount": collection["faces"], "UserCount": 0,
                "FaceModelVersion": FACE_MODEL_VERSION, "CollectionARN": collection["arn"],
                "CreationTimestamp": collection["created"]}

    def list_collections(self, request: dict) -> dict:
        ids = self.store.collection_ids()
        start = int(request.get("NextToken") or 0)
        limit = self._number(request, "MaxResults", 1000, 1, 4096)
        page = ids[start:start + limit]
        response = {"CollectionIds": page, "FaceModelVersions": [FACE_MODEL_VERSION] * len(page)}
        if start + limit < len(ids):
            response["NextToken"] = str(start + limit)
        return response

    # --- detection -------------------------------------------------------------------------
    def detect_faces(self, request: dict) -> dict:
        attributes = request.get("Attributes", ["DEFAULT"])
        if not isinstance(attributes, list) or not set(attributes) <= {"DEFAULT", "ALL"}:
            raise invalid("Attributes may hold DEFAULT and ALL")
        analysed = self._analyse(request.get("Image"))
        return {"FaceDetails": [
            details.face_detail(face, analysed.pixels, all_attributes="ALL" in attributes)
            for face in analysed.faces[:100]]}

    def compare_faces(self, request: dict) -> dict:
        threshold = self._number(request, "SimilarityThreshold", 80.0, 0, 100)
        floor = self._quality_floor(request, "NONE")
        source = self._analyse(request.get("SourceImage"), "SourceImage")
        target = self._analyse(request.get("TargetImage"), "TargetImage")
        source_faces = [f for f in source.faces if details.confidence(f) >= floor]
        target_faces = [f for f in target.faces if details.confidence(f) >= floor][:100]
        if not source_faces:
            raise invalid("Request has invalid parameters: no face detected in the source image")
        if not target_faces:
            raise invalid("Request has invalid parameters: no face detected in the target image")
        largest = source_faces[0]
        scores = similarity(distances(largest.encoding,
                                      np.stack([f.encoding for f in target_faces])))
        matches, unmatched = [], []
        for face, score in sorted(zip(target_faces, scores, strict=True),
                                  key=lambda pair: -pair[1]):
            described = {"BoundingBox": details.bounding_box(face),
                         "Confidence": details.confidence(face),
                         "Landmarks": details.landmarks(face), "Pose": details.pose(face),
                         "Quality": details.quality(face, target.pixels)}
            if score >= threshold:
                matches.append({"Similarity": round(float(score), 4), "Face": described})
            else:
                unmatched.append(described)
        return {"SourceImageFace": {"BoundingBox": details.bounding_box(largest),
                                    "Confidence": details.confidence(largest)},
                "FaceMatches": matches, "UnmatchedFaces": unmatched}

    # --- collections of faces --------------------------------------------------------------
    def index_faces(self, request: dict) -> dict:
        collection_id = self._collection(request)
        external = request.get("ExternalImageId")
        if external is not None and (not isinstance(external, str)
                                     or not EXTERNAL_IMAGE_ID.fullmatch(external)):
            raise invalid("ExternalImageId must match [a-zA-Z0-9_.\\-:]+ (1-255 characters)")
        max_faces = self._number(request, "MaxFaces", 100, 1, 100)
        floor = self._quality_floor(request, "AUTO")
        attributes = request.get("DetectionAttributes", ["DEFAULT"])
        analysed = self._analyse(request.get("Image"))
        image_id = str(uuid.uuid4())
        records, unindexed, stored = [], [], []
        for face in analysed.faces:
            detail = details.face_detail(face, analysed.pixels,
                                         all_attributes="ALL" in attributes)
            reasons = []
            if details.confidence(face) < floor:
                reasons.append("LOW_CONFIDENCE")
            if not reasons and len(records) >= max_faces:
                reasons.append("EXCEEDS_MAX_FACES")
            if reasons:
                unindexed.append({"Reasons": reasons, "FaceDetail": detail})
                continue
            kept = StoredFace(str(uuid.uuid4()), image_id, external, details.confidence(face),
                              details.bounding_box(face))
            stored.append((kept, face.encoding))
            records.append({"Face": self._face(kept), "FaceDetail": detail})
        self.store.add_faces(collection_id, stored)
        return {"FaceRecords": records, "FaceModelVersion": FACE_MODEL_VERSION,
                "UnindexedFaces": unindexed}

    @staticmethod
    def _face(face: StoredFace) -> dict:
        described = {"FaceId": face.face_id, "BoundingBox": face.bounding_box,
                     "ImageId": face.image_id, "Confidence": face.confidence,
                     "IndexFacesModelVersion": FACE_MODEL_VERSION}
        if face.external_image_id is not None:
            described["ExternalImageId"] = face.external_image_id
        return described

    def _matches(self, collection_id: str, query: np.ndarray, request: dict,
                 exclude: str | None = None) -> list[dict]:
        threshold = self._number(request, "FaceMatchThreshold", 80.0, 0, 100)
        max_faces = self._number(request, "MaxFaces", 4096, 1, 4096)
        faces, encodings, squared_norms = self.store.matrix(collection_id)
        scores = similarity(distances(query, encodings, squared_norms))
        candidates = np.flatnonzero(scores >= threshold)  # usually a handful: sort only those
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        chosen = [index for index in order if faces[index].face_id != exclude][:max_faces]
        return [{"Similarity": round(float(scores[index]), 4), "Face": self._face(faces[index])}
                for index in chosen]

    def search_faces_by_image(self, request: dict) -> dict:
        collection_id = self._collection(request)
        floor = self._quality_floor(request, "NONE")
        analysed = self._analyse(request.get("Image"))
        candidates = [f for f in analysed.faces if details.confidence(f) >= floor]
        if not candidates:
            raise invalid("There are no faces in the image. Should be at least 1.")
        largest = candidates[0]
        return {"SearchedFaceBoundingBox": details.bounding_box(largest),
                "SearchedFaceConfidence": details.confidence(largest),
                "FaceMatches": self._matches(collection_id, largest.encoding, request),
                "FaceModelVersion": FACE_MODEL_VERSION}

    def search_faces(self, request: dict) -> dict:
        collection_id = self._collection(request)
        face_id = request.get("FaceId")
        if not isinstance(face_id, str) or not FACE_ID.fullmatch(face_id):
            raise invalid("FaceId must be a face id returned by IndexFaces")
        encoding = self.store.encoding_of(collection_id, face_id)
        if encoding is None:
            raise invalid(f"The face id: {face_id} does not exist in collection "
                          f"{collection_id}")
        return {"SearchedFaceId": face_id,
                "FaceMatches": self._matches(collection_id, encoding, request, exclude=face_id),
                "FaceModelVersion": FACE_MODEL_VERSION}

    def delete_faces(self, request: dict) -> dict:
        collection_id = self._collection(request)
        face_ids = request.get("FaceIds")
        if not isinstance(face_ids, list) or not 1 <= len(face_ids) <= 4096 or \
                not all(isinstance(f, str) and FACE_ID.fullmatch(f) for f in face_ids):
            raise invalid("FaceIds must hold 1 to 4096 face ids")
        deleted = self.store.delete_faces(collection_id, face_ids)
        return {"DeletedFaces": deleted, "UnsuccessfulFaceDeletions": [
            {"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]}
            for face_id in face_ids if face_id not in deleted]}

    def list_faces(self, request: dict) -> dict:
        collection_id = self._collection(request)
        limit = self._number(request, "MaxResults", 1000, 1, 4096)
        token = request.get("NextToken") or "0"
        # A token is the position of the last face listed; any other text is no token of
        # ours, which Rekognition answers with InvalidPaginationTokenException (ListFaces,
        # Amazon Rekognition API Reference: "Pagination token in the request is not valid").
        if not isinstance(token, str) or not token.isdigit():
            raise RekognitionError("InvalidPaginationTokenException",
                                   "Pagination token in the request is not valid.")
        page = self.store.faces(collection_id, after=int(token), limit=limit + 1)
        response = {"Faces": [self._face(face) for _, face in page[:limit]],
                    "FaceModelVersion": FACE_MODEL_VERSION}
        if len(page) > limit:
            response["NextToken"] = str(page[limit - 1][0])
        return response

    ACTIONS = ("create_collection", "delete_collection", "describe_collection",
               "list_collections", "detect_faces", "index_faces", "search_faces_by_image",
               "search_faces", "compare_faces", "delete_faces", "list_faces")
