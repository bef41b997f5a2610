"""The eKYC workflows, built in Python and written to ``statemachines/<name>.asl.json``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import id_document, identity_compare, identity_verification, register

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
    Definition(register.NAME, "register.asl.json", register.build),
]
