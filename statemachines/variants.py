"""The variants of the workflows: the same workflow deployed another way (another type, other
settings, the other CompareMode), as the registry lists them with their workflow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from contract.settings import ANALYZE_ID, DUPLICATE_SIMILARITY

from . import id_document, identity_compare, identity_verification, identity_verification_collection

STANDARD, EXPRESS = "STANDARD", "EXPRESS"
# The template's deploy conditions a variant's definition may be chosen on: WorkflowType
# EXPRESS, CompareMode COLLECTION.
IS_EXPRESS, IS_COLLECTION = "IsExpress", "IsCollection"


@dataclass(frozen=True)
class Variant:
    """The same workflow deployed another way: its own definition (``build``, written to
    ``filename``), or the workflow's own with other settings or another type."""

    name: str  # in the scenario runner and the mock config
    build: Callable[[], dict] | None = None
    filename: str | None = None
    runs_as: str = STANDARD  # its type in the scenario runner
    nested: str | None = None  # the runner state machine its nested call starts
    substitutions: Mapping[str, str] = field(default_factory=dict)
    scenarios: str | None = None  # the attribute of its scenarios module holding them
    scenarios_module: str | None = None  # that module, if not the workflow's
    # The template deploys its definition instead of the workflow's when exactly these deploy
    # conditions (IS_EXPRESS, IS_COLLECTION) hold, of those any of the workflow's variants
    # names; () for a variant the template never deploys.
    deployed_when: tuple[str, ...] = ()
    cost: tuple[tuple[str, str], ...] = ()  # (label, scenario) rows of the cost benchmark


WITHOUT_TEXTRACT = {ANALYZE_ID.parameter: "false"}
ID_DOCUMENT_WITHOUT_TEXTRACT = Variant("id_document_without_textract",
                                       substitutions=WITHOUT_TEXTRACT)
REGISTER_IDCARD_WITHOUT_TEXTRACT = Variant("register_idcard_without_textract",
                                           substitutions=WITHOUT_TEXTRACT)
# Runs as Express, as in a deployment with WorkflowType=EXPRESS; no history, no coverage.
IDENTITY_COMPARE_EXPRESS = Variant("identity_compare_express", runs_as=EXPRESS)
# Runs as Standard in the runner, so that its path can be read from its history; its child is
# Express, started with StartSyncExecution as in an Express deployment.
IDENTITY_VERIFICATION_EXPRESS = Variant(
    "identity_verification_express", partial(identity_verification.build, express=True),
    "identity_verification.express.asl.json", nested=IDENTITY_COMPARE_EXPRESS.name,
    scenarios="EXPRESS_SCENARIOS", deployed_when=(IS_EXPRESS,),
    cost=(("selfie, Express", "HappyPath"), ("selfie, Express", "Sunglasses")))

# CompareMode COLLECTION: the ID's face indexed, one SearchFaces for the selfie.
ID_DOCUMENT_COLLECTION_SCENARIOS = "statemachines.scenarios.id_document_collection"
SELFIE_COLLECTION_SCENARIOS = "statemachines.scenarios.identity_verification_collection"
ID_DOCUMENT_COLLECTION = Variant(
    "id_document_collection", partial(id_document.build, collection=True),
    "id_document.collection.asl.json", scenarios="SCENARIOS",
    scenarios_module=ID_DOCUMENT_COLLECTION_SCENARIOS, deployed_when=(IS_COLLECTION,),
    cost=(("ID document, COLLECTION", "IdFaceFound"), ("ID document, COLLECTION", "IdNoFace")))
ID_DOCUMENT_COLLECTION_WITHOUT_TEXTRACT = Variant(
    "id_document_collection_without_textract", filename=ID_DOCUMENT_COLLECTION.filename,
    substitutions=WITHOUT_TEXTRACT)
IDENTITY_COMPARE_COLLECTION = Variant(
    "identity_compare_collection", partial(identity_compare.build, collection=True),
    "identity_compare.collection.asl.json", deployed_when=(IS_COLLECTION,))
IDENTITY_COMPARE_COLLECTION_EXPRESS = Variant(
    "identity_compare_collection_express", filename=IDENTITY_COMPARE_COLLECTION.filename,
    runs_as=EXPRESS)
IDENTITY_VERIFICATION_COLLECTION = Variant(
    "identity_verification_collection", identity_verification_collection.build,
    "identity_verification.collection.asl.json", nested=IDENTITY_COMPARE_COLLECTION.name,
    scenarios="SCENARIOS", scenarios_module=SELFIE_COLLECTION_SCENARIOS,
    deployed_when=(IS_COLLECTION,),
    cost=tuple(("selfie, Std, COLLECTION", name) for name in (
        "HappyPath", "NotSimilar", "DuplicateFace", "Sunglasses", "ReVerification")))
IDENTITY_VERIFICATION_COLLECTION_EXPRESS = Variant(
    "identity_verification_collection_express",
    partial(identity_verification_collection.build, express=True),
    "identity_verification.collection.express.asl.json",
    nested=IDENTITY_COMPARE_COLLECTION_EXPRESS.name, scenarios="EXPRESS_SCENARIOS",
    scenarios_module=SELFIE_COLLECTION_SCENARIOS, deployed_when=(IS_COLLECTION, IS_EXPRESS),
    cost=(("selfie, Exp, COLLECTION", "HappyPath"), ("selfie, Exp, COLLECTION", "Sunglasses")))

# Coverage of the search from a duplicate threshold below the compare threshold (the
# deployment's choice; the collection's definitions read it at run time).
LOW_DUPLICATE_THRESHOLD = {DUPLICATE_SIMILARITY.parameter: "70"}
IDENTITY_VERIFICATION_COLLECTION_LOW_DUPLICATE = Variant(
    "identity_verification_collection_low_duplicate",
    filename=IDENTITY_VERIFICATION_COLLECTION.filename, nested=IDENTITY_COMPARE_COLLECTION.name,
    substitutions=LOW_DUPLICATE_THRESHOLD, scenarios="LOW_DUPLICATE_SCENARIOS",
    scenarios_module=SELFIE_COLLECTION_SCENARIOS)
IDENTITY_VERIFICATION_COLLECTION_EXPRESS_LOW_DUPLICATE = Variant(
    "identity_verification_collection_express_low_duplicate",
    filename=IDENTITY_VERIFICATION_COLLECTION_EXPRESS.filename,
    nested=IDENTITY_COMPARE_COLLECTION_EXPRESS.name, substitutions=LOW_DUPLICATE_THRESHOLD,
    scenarios="LOW_DUPLICATE_EXPRESS_SCENARIOS", scenarios_module=SELFIE_COLLECTION_SCENARIOS)
