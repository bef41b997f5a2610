"""Collections and their faces in one SQLite file; searches scan all encodings at once.

Each collection's encodings are kept in memory as one float32 matrix, loaded on first search and
dropped on any change to the collection, so a search is a single vectorised distance pass.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS collections (
    collection_id TEXT PRIMARY KEY,
    arn TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS faces (
    collection_id TEXT NOT NULL REFERENCES collections(collection_id) ON DELETE CASCADE,
    face_id TEXT NOT NULL,
    image_id TEXT NOT NULL,
    external_image_id TEXT,
    confidence REAL NOT NULL,
    bounding_box TEXT NOT NULL,
    encoding BLOB NOT NULL,
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    UNIQUE (collection_id, face_id)
);
"""


@dataclass(frozen=True)
class StoredFace:
    face_id: str
    image_id: str
    external_image_id: str | None
    confidence: float
    bounding_box: dict


class FaceStore:
    """Thread-safe; ``path=":memory:"`` keeps nothing on disk."""

    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._matrices: dict[str, tuple[list[StoredFace], np.ndarray, np.ndarray]] = {}

    # --- collections ---------------------------------------------------------------------
    def create_collection(self, collection_id: str, arn: str) -> bool:
        """False if it exists already."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO collections VALUES (?, ?, ?)",
                (collection_id, arn, time.time()))
            return cursor.rowcount == 1

    def delete_collection(self, collection_id: str) -> bool:
        with self._lock, self._db:
            self._matrices.pop(collection_id, None)
            self._db.execute("DELETE FROM faces WHERE collection_id = ?", (collection_id,))
            cursor = self._db.execute("DELETE FROM collections WHERE collection_id = ?",
                                      (collection_id,))
            return cursor.rowcount == 1

    def collection(self, collection_id: str) -> dict | None:
        with self._lock:
            row = self._db.execute(
                "SELECT arn, created, (SELECT COUNT(*) FROM faces f WHERE f.collection_id = "
                "c.collection_id) FROM collections c WHERE collection_id = ?",
                (collection_id,)).fetchone()
        return None if row is None else {"arn": row[0], "created": row[1], "faces": row[2]}

    def collection_ids(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute(
                "SELECT collection_id FROM collections ORDER BY collection_id")]

    # --- faces -----------------------------------------------------------------------------
    def add_faces(self, collection_id: str,
                  faces: list[tuple[StoredFace, np.ndarray]]) -> None:
        with self._lock, self._db:
            self._matrices.pop(collection_id, None)
            self._db.executemany(
                "INSERT INTO faces (collection_id, face_id, image_id, external_image_id, "
                "confidence, bounding_box, encoding) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(collection_id, face.face_id, face.image_id, face.external_image_id,
                  face.confidence, json.dumps(face.bounding_box),
                  encoding.astype(np.float32).tobytes()) for face, encoding in faces])

    def delete_faces(self, collection_id: str, face_ids: list[str]) -> list[str]:
        """The ids that were there and are now deleted."""
        deleted = []
        with self._lock, self._db:
            self._matrices.pop(collection_id, None)
            for face_id in face_ids:
                cursor = self._db.execute(
                    "DELETE FROM faces WHERE collection_id = ? AND face_id = ?",
                    (collection_id, face_id))
                if cursor.rowcount:
                    deleted.append(face_id)
        return deleted

    def faces(self, collection_id: str, *, after: int = 0,
              limit: int | None = None) -> list[tuple[int, StoredFace]]:
        """Faces in the order they were indexed, with their position for paging."""
        query = ("SELECT seq, face_id, image_id, external_image_id, confidence, bounding_box "
                 "FROM faces WHERE collection_id = ? AND seq > ? ORDER BY seq")
        params: tuple = (collection_id, after)
        if limit is not None:
            query += " LIMIT ?"
            params += (limit,)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [(row[0], StoredFace(row[1], row[2], row[3], row[4], json.loads(row[5])))
                for row in rows]

    def encoding_of(self, collection_id: str, face_id: str) -> np.ndarray | None:
        with self._lock:
            row = self._db.execute(
                "SELECT encoding FROM faces WHERE collection_id = ? AND face_id = ?",
                (collection_id, face_id)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float32)

    def matrix(self, collection_id: str) -> tuple[list[StoredFace], np.ndarray, np.ndarray]:
        """All faces of a collection, their encodings as one (n, 128) matrix, and each
        encoding's squared length (for distances by one matrix product)."""
        with self._lock:
            if collection_id not in self._matrices:
                rows = self._db.execute(
                    "SELECT face_id, image_id, external_image_id, confidence, bounding_box, "
                    "encoding FROM faces WHERE collection_id = ? ORDER BY seq",
                    (collection_id,)).fetchall()
                faces = [StoredFace(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]
                encodings = (np.frombuffer(b"".join(r[5] for r in rows), dtype=np.float32)
                             .reshape(len(rows), -1) if rows
                             else np.empty((0, 128), dtype=np.float32))
                self._matrices[collection_id] = (faces, encodings,
                                                 np.einsum("ij,ij->i", encodings, encodings))
            return self._matrices[collection_id]

    def close(self) -> None:
        with self._lock:
            self._db.close()
