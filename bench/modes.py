"""The two CompareModes side by side, from the rows ``bench/cost.py`` measured: billed
Rekognition calls per onboarding (the ID document, then the selfie) and per re-verification
(a new selfie of a registered user), Rekognition calls one after another on the critical path,
and what the orchestration of an onboarding costs. Every number is counted from the scenarios'
executions; the goal for COLLECTION (3 and 2 calls) is checked against them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contract.settings import COLLECTION, COMPARE_FACES
from statemachines import registry


@dataclass(frozen=True)
class Mode:
    """A CompareMode's runner state machines: the ID document's, the selfie's, Standard and
    Express (registry names)."""

    name: str
    id_document: str
    selfie: str
    selfie_express: str


def modes() -> list[Mode]:
    return [
        Mode(COMPARE_FACES, registry.get("id_document").name,
             registry.get("identity_verification").name,
             registry.IDENTITY_VERIFICATION_EXPRESS.name),
        Mode(COLLECTION, registry.ID_DOCUMENT_COLLECTION.name,
             registry.IDENTITY_VERIFICATION_COLLECTION.name,
             registry.IDENTITY_VERIFICATION_COLLECTION_EXPRESS.name),
    ]


def row_of(rows: list, machine: str, path: str = "HappyPath"):
    """The row (a ``bench.cost.Measured``) of ``machine``'s scenario ``path``."""
    (row,) = [r for r in rows if r.machine == machine and r.path == path]
    return row


@dataclass(frozen=True)
class ModeCost:
    """One CompareMode's onboarding (ID document, then selfie) and re-verification (a new
    selfie of a registered user), each on its happy path."""

    mode: str
    onboarding_calls: int  # billed Rekognition calls
    reverification_calls: int
    onboarding_rounds: int  # Rekognition calls one after another on the critical path
    reverification_rounds: int
    standard: float  # orchestration of an onboarding, USD per 1M, WorkflowType STANDARD
    express: float  # the same, WorkflowType EXPRESS
    ai: float  # Rekognition and Textract of an onboarding, USD per 1M


def mode_cost(rows: list, mode: Mode, price: Callable) -> ModeCost:
    """``rows``: bench.cost's measured rows; ``price``: bench.cost.price."""
    id_document = row_of(rows, mode.id_document, "IdFaceFound")
    selfie, again = row_of(rows, mode.selfie), row_of(rows, mode.selfie, "ReVerification")
    express = row_of(rows, mode.selfie_express)
    return ModeCost(
        mode.name,
        id_document.used.rekognition + selfie.used.rekognition, again.used.rekognition,
        id_document.rounds + selfie.rounds, again.rounds,
        price(id_document, express=False).orchestration
        + price(selfie, express=False).orchestration,
        price(id_document, express=True).orchestration
        + price(express, express=True).orchestration,
        price(id_document, express=False).rekognition + price(selfie, express=False).rekognition)


def print_modes(costs: list[ModeCost]) -> None:
    print("\nCompareMode, side by side (happy paths; USD per 1M onboardings; orchestration as "
          "above, AI = Rekognition + Textract):")
    header = (f"  {'mode':<15}{'calls/onboarding':>17}{'calls/re-verif.':>16}{'rounds':>8}"
              f"{'rounds re-v.':>13}{'Std orch':>10}{'Exp orch':>10}{'AI $':>9}")
    print(header)
    for cost in costs:
        print(f"  {cost.mode:<15}{cost.onboarding_calls:>17}{cost.reverification_calls:>16}"
              f"{cost.onboarding_rounds:>8}{cost.reverification_rounds:>13}"
              f"{cost.standard:>10.2f}{cost.express:>10.2f}{cost.ai:>9.0f}")


def mode_goals(costs: list[ModeCost]) -> list[tuple[str, bool]]:
    """COLLECTION: 3 billed calls per onboarding, 2 per re-verification, one call fewer than
    COMPARE_FACES each."""
    by_mode = {cost.mode: cost for cost in costs}
    faces, collection = by_mode[COMPARE_FACES], by_mode[COLLECTION]
    return [
        (f"CompareMode COLLECTION: {collection.onboarding_calls} billed Rekognition calls per "
         f"onboarding == 3 (COMPARE_FACES: {faces.onboarding_calls})",
         collection.onboarding_calls == 3 < faces.onboarding_calls),
        (f"CompareMode COLLECTION: {collection.reverification_calls} billed Rekognition calls "
         f"per re-verification == 2 (COMPARE_FACES: {faces.reverification_calls})",
         collection.reverification_calls == 2 < faces.reverification_calls),
    ]


