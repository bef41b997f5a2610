"""The eKYC workflows, built in Python and written to ``statemachines/<name>.asl.json``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import (
    authenticate,
    compare_faces,
    id_document,
    identity_compare,
    identity_verification,
    register,
    register_idcard,
    safety_net,
    update_face,
)

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Definition:
    """One generated ASL file: the workflow it belongs to and the builder that makes it."""

    workflow: str
    filename: str
    build: Callable[[], dict]

    @property
    def path(self) -> Path:
        return HERE / self.filename


DEFINITIONS = [
    Definition(id_document.NAME, "id_document.asl.json", id_document.build),
    Definition(identity_verification.NAME, "identity_verification.asl.json",
               identity_verification.build),
    Definition(identity_verification.NAME, "identity_verification.express.asl.json",
               lambda: identity_verification.build(express=True)),
    Definition(identity_compare.NAME, "identity_compare.asl.json", identity_compare.build),
    Definition(safety_net.NAME, "safety_net.asl.json", safety_net.build),
    Definition(register.NAME, "register.asl.json", register.build),
    Definition(register_idcard.NAME, "register_idcard.asl.json", register_idcard.build),
    Definition(authenticate.NAME, "authenticate.asl.json", authenticate.build),
    Definition(update_face.NAME, "update_face.asl.json", update_face.build),
    Definition(compare_faces.NAME, "compare_faces.asl.json", compare_faces.build),
]
# The workflows behind the synchronous API, by route.
API_WORKFLOWS = {module.ROUTE: module for module in (
    register, register_idcard, authenticate, update_face, compare_faces)}
