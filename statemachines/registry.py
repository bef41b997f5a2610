"""Every workflow, once: what the rest of the project needs to know about each.

Adding a workflow takes its module (``NAME``, ``TITLE``, ``build()``; ``ROUTE`` and ``REQUEST``
behind the API), its scenarios module and one entry in ``WORKFLOWS``. From this list come the
ASL files, the template's state machines, roles, log groups and API routes, the scenario
runner's state machines, the mock config, path coverage, the diagrams, the workshop guide, the
client's API commands and the cost benchmark's flows.

What a thing is, is said here, never read off its name: a variant is listed with its
workflow, whatever it is called (``identity_verification_express``); a template resource's title
is the workflow's name in CamelCase (``IdentityVerificationRole``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from awacs import dynamodb, rekognition

from contract import item
from contract.keys import API_PREFIX, ID_DOCUMENT_PREFIX, SELFIE_PREFIX, THUMBNAIL_PREFIX
from contract.placeholders import state_machine_arn

from . import (
    authenticate,
    compare_faces,
    forget,
    id_document,
    identity_compare,
    identity_verification,
    register,
    register_idcard,
    safety_net,
    update_face,
)
from .needs import (
    INVOKES_THUMBNAIL,
    PUBLISHES,
    REGISTERS,
    Need,
    deletes,
    lists,
    on_any,
    on_collection,
    on_table,
    reads,
    when,
    when_not,
)
from .variants import (  # noqa: F401 (the registry's names for them)
    EXPRESS,
    ID_DOCUMENT_COLLECTION,
    ID_DOCUMENT_COLLECTION_WITHOUT_TEXTRACT,
    ID_DOCUMENT_WITHOUT_TEXTRACT,
    IDENTITY_COMPARE_COLLECTION,
    IDENTITY_COMPARE_COLLECTION_EXPRESS,
    IDENTITY_COMPARE_EXPRESS,
    IDENTITY_VERIFICATION_COLLECTION,
    IDENTITY_VERIFICATION_COLLECTION_EXPRESS,
    IDENTITY_VERIFICATION_COLLECTION_EXPRESS_LOW_DUPLICATE,
    IDENTITY_VERIFICATION_COLLECTION_LOW_DUPLICATE,
    IDENTITY_VERIFICATION_EXPRESS,
    IS_COLLECTION,
    IS_EXPRESS,
    REGISTER_IDCARD_WITHOUT_TEXTRACT,
    STANDARD,
    WITHOUT_TEXTRACT,
    Variant,
)

HERE = Path(__file__).parent

# --- the workflows ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Workflow:
    module: ModuleType
    needs: tuple[Need, ...]  # its role's statements, in order
    deployed_as: str | None = None  # None: the stack's WorkflowType parameter decides
    upload: item.Upload | None = None  # the upload the starter starts it for
    starts: str | None = None  # the workflow it starts and waits for (nested)
    analyze_id: bool = False  # may call Textract AnalyzeID when AnalyzeIdDocuments is true
    variants: tuple[Variant, ...] = ()
    scenarios: str | None = ""  # module of its scenarios ("": statemachines.scenarios.NAME)
    output: str | None = None  # describes its ARN among the stack's outputs
    cost: tuple[tuple[str | None, str], ...] = ()  # (label, scenario); label None: the route
    directory: Path = HERE  # where its ASL files are
    # Its log holds the execution data: for a workflow whose states carry no personal data.
    logs_execution_data: bool = False

    @property
    def name(self) -> str:
        return self.module.NAME

    @property
    def title(self) -> str:
        return self.module.TITLE

    @property
    def route(self) -> str | None:
        return getattr(self.module, "ROUTE", None)

    @property
    def method(self) -> str:
        """The route's HTTP method."""
        return getattr(self.module, "METHOD", "POST")

    @property
    def command(self) -> str | None:
        """The client's command for the route: its own ``COMMAND``, else the route's name."""
        if self.route is None:
            return None
        return getattr(self.module, "COMMAND", self.route.lstrip("/"))

    @property
    def request(self):
        return getattr(self.module, "REQUEST", None)

    @property
    def build(self) -> Callable[[], dict]:
        return self.module.build

    @property
    def resource_title(self) -> str:
        """The CamelCase that begins its template resources' titles."""
        return "".join(part.title() for part in self.name.split("_"))

    @property
    def arn_placeholder(self) -> str:
        return state_machine_arn(self.name)

    @property
    def filename(self) -> str:
        return f"{self.name}.asl.json"

    def scenarios_module(self) -> ModuleType | None:
        if self.scenarios is None:
            return None
        return importlib.import_module(self.scenarios or f"statemachines.scenarios.{self.name}")


@dataclass(frozen=True)
class Definition:
    """One generated ASL file: the workflow it belongs to and the builder that makes it."""

    workflow: str
    filename: str
    build: Callable[[], dict]
    name: str  # its runs' name in the scenario runner, the mock config and the coverage report
    directory: Path = HERE
    deployed_when: tuple[str, ...] = ()  # the deploy conditions it is chosen on (Variant)

    @property
    def express(self) -> bool:
        """The workflow's variant for WorkflowType=EXPRESS."""
        return IS_EXPRESS in self.deployed_when

    @property
    def path(self) -> Path:
        return self.directory / self.filename


@dataclass(frozen=True)
class Machine:
    """A state machine the scenario runner deploys."""

    name: str
    workflow: str  # the workflow it is (a variant of)
    path: Path  # its ASL file
    runs_as: str = STANDARD
    nested: str | None = None  # the runner state machine its nested call starts
    substitutions: Mapping[str, str] = field(default_factory=dict)
    covers: str | None = None  # the definition its paths count for (None: no history)
    main: bool = False  # its ARN fills its workflow's ARN placeholder, in definitions and inputs

    @property
    def arn_placeholder(self) -> str:
        return state_machine_arn(self.workflow)


WORKFLOWS: list[Workflow] = [
    Workflow(id_document, upload=item.ID_DOCUMENT, analyze_id=True, output="ID document workflow",
             needs=(when_not(IS_COLLECTION, on_any(rekognition.DetectFaces)),
                    when(IS_COLLECTION, on_collection(rekognition.IndexFaces,
                                                      rekognition.DeleteFaces)),
                    reads(ID_DOCUMENT_PREFIX), on_table(dynamodb.UpdateItem), PUBLISHES),
             variants=(ID_DOCUMENT_WITHOUT_TEXTRACT, ID_DOCUMENT_COLLECTION,
                       ID_DOCUMENT_COLLECTION_WITHOUT_TEXTRACT),
             cost=(("ID document", "IdFaceFound"), ("ID document", "IdNoFace"))),
    Workflow(identity_verification, upload=item.SELFIE, starts=identity_compare.NAME,
             output="Identity verification (selfie) workflow",
             needs=(when_not(IS_COLLECTION, REGISTERS),
                    when(IS_COLLECTION, on_collection(rekognition.IndexFaces,
                                                      rekognition.SearchFaces,
                                                      rekognition.DeleteFaces)),
                    reads(SELFIE_PREFIX), INVOKES_THUMBNAIL,
                    on_table(dynamodb.GetItem, dynamodb.UpdateItem), PUBLISHES,
                    # the thumbnail of a user erased while the run made it: derived, no upload
                    deletes(THUMBNAIL_PREFIX)),
             variants=(IDENTITY_VERIFICATION_EXPRESS, IDENTITY_VERIFICATION_COLLECTION,
                       IDENTITY_VERIFICATION_COLLECTION_EXPRESS,
                       IDENTITY_VERIFICATION_COLLECTION_LOW_DUPLICATE,
                       IDENTITY_VERIFICATION_COLLECTION_EXPRESS_LOW_DUPLICATE),
             cost=tuple(("selfie, Standard", name) for name in (
                 "HappyPath", "NotSimilar", "DuplicateFace", "Sunglasses", "ReVerification"))),
    Workflow(identity_compare, scenarios=None, output="Nested selfie-vs-ID compare workflow",
             needs=(when_not(IS_COLLECTION, on_any(rekognition.CompareFaces)),
                    when_not(IS_COLLECTION, reads(SELFIE_PREFIX, ID_DOCUMENT_PREFIX)),
                    on_table(dynamodb.GetItem, dynamodb.UpdateItem)),
             variants=(IDENTITY_COMPARE_EXPRESS, IDENTITY_COMPARE_COLLECTION,
                       IDENTITY_COMPARE_COLLECTION_EXPRESS)),
    # Standard whatever WorkflowType says: it runs rarely, and its history is the record. Each
    # upload execution that ends FAILED (every rejection) starts it once.
    Workflow(safety_net, deployed_as=STANDARD,
             needs=(on_table(dynamodb.UpdateItem), PUBLISHES),
             cost=(("safety net, Standard", "OutcomeAlreadyRecorded"),
                   ("safety net, Standard", "IdRuntimeFailure"))),
    # The API's: Express behind API Gateway (Standard in the runner, for their history).
    Workflow(register, deployed_as=EXPRESS,
             needs=(on_any(rekognition.DetectFaces), reads(API_PREFIX), REGISTERS,
                    on_table(dynamodb.GetItem, dynamodb.UpdateItem)),
             cost=((None, "RegisteredInline"), (None, "DuplicateFace"))),
    Workflow(register_idcard, deployed_as=EXPRESS, analyze_id=True,
             needs=(on_any(rekognition.DetectFaces, rekognition.CompareFaces),
                    reads(API_PREFIX), REGISTERS,
                    on_table(dynamodb.GetItem, dynamodb.UpdateItem)),
             variants=(REGISTER_IDCARD_WITHOUT_TEXTRACT,), cost=((None, "Registered"),)),
    Workflow(authenticate, deployed_as=EXPRESS,
             needs=(on_any(rekognition.DetectFaces, rekognition.CompareFaces),
                    reads(API_PREFIX, SELFIE_PREFIX),
                    on_collection(rekognition.SearchFacesByImage), on_table(dynamodb.GetItem)),
             cost=((None, "VerifiedByCollection"), (None, "SomeoneElse"))),
    Workflow(update_face, deployed_as=EXPRESS,
             needs=(on_any(rekognition.DetectFaces, rekognition.CompareFaces),
                    reads(API_PREFIX, SELFIE_PREFIX), REGISTERS,
                    on_table(dynamodb.GetItem, dynamodb.UpdateItem)),
             cost=((None, "Updated"),)),
    Workflow(compare_faces, deployed_as=EXPRESS,
             needs=(on_any(rekognition.CompareFaces), reads(API_PREFIX)),
             cost=((None, "Match"),)),
    # The one workflow that deletes pictures; its execution log is the erasure's record.
    Workflow(forget, deployed_as=EXPRESS, logs_execution_data=True,
             needs=(on_table(dynamodb.GetItem, dynamodb.DeleteItem),
                    on_collection(rekognition.ListFaces, rekognition.DeleteFaces),
                    lists(API_PREFIX),
                    deletes(ID_DOCUMENT_PREFIX, SELFIE_PREFIX, API_PREFIX, THUMBNAIL_PREFIX)),
             cost=((None, "Erased"),)),
]


# --- reading the registry ---------------------------------------------------------------------

def get(name: str) -> Workflow:
    (found,) = [workflow for workflow in WORKFLOWS if workflow.name == name]
    return found


def for_route(route: str) -> Workflow:
    (found,) = [workflow for workflow in WORKFLOWS if workflow.route == route]
    return found


def for_upload(upload: item.Upload) -> Workflow:
    """The workflow the starter starts for ``upload``."""
    (found,) = [workflow for workflow in WORKFLOWS if workflow.upload == upload]
    return found


def api_workflows() -> list[Workflow]:
    """The workflows behind the synchronous API, in registry order."""
    return [workflow for workflow in WORKFLOWS if workflow.route is not None]


def definitions() -> list[Definition]:
    """Every generated ASL file: each workflow's, then its variants' own."""
    found = []
    for workflow in WORKFLOWS:
        found.append(Definition(workflow.name, workflow.filename, workflow.build, workflow.name,
                                workflow.directory))
        found += [Definition(workflow.name, variant.filename, variant.build, variant.name,
                             workflow.directory, variant.deployed_when)
                  for variant in workflow.variants if variant.build is not None]
    return found


def deployed_definitions(workflow: Workflow) -> dict[tuple[str, ...], Callable[[], dict]]:
    """The builders the template chooses among for ``workflow``, by the deploy conditions
    (sorted) that must hold for each; ``()`` is the workflow's own definition."""
    chosen: dict[tuple[str, ...], Callable[[], dict]] = {(): workflow.build}
    for variant in workflow.variants:
        if variant.deployed_when:
            if variant.build is None:
                raise ValueError(f"{variant.name}: only a variant with its own definition "
                                 "can be deployed")
            key = tuple(sorted(variant.deployed_when))
            if key in chosen:
                raise ValueError(f"{workflow.name}: two definitions deployed when {key}")
            chosen[key] = variant.build
    return chosen


def depends_on(workflow: Workflow) -> list[Workflow]:
    """The workflows whose ARN its definitions name: deployed before it."""
    texts = [repr(workflow.build())]
    texts += [repr(variant.build()) for variant in workflow.variants if variant.build]
    return [other for other in WORKFLOWS if other is not workflow
            and any("${" + other.arn_placeholder + "}" in text for text in texts)]


def in_dependency_order(workflows: list[Workflow] | None = None) -> list[Workflow]:
    """``workflows`` (default: all) in registry order, each after those it names."""
    ordered: list[Workflow] = []

    def visit(workflow: Workflow, seen: tuple[str, ...]) -> None:
        if workflow in ordered:
            return
        if workflow.name in seen:
            raise ValueError(f"workflows name each other in a circle: {seen}")
        for dependency in depends_on(workflow):
            visit(dependency, (*seen, workflow.name))
        ordered.append(workflow)

    chosen = WORKFLOWS if workflows is None else workflows
    for workflow in chosen:
        visit(workflow, ())
    return [workflow for workflow in ordered if workflow in chosen]


def machines() -> list[Machine]:
    """The scenario runner's state machines, each after those its definition names."""
    found = []
    for workflow in in_dependency_order():
        found.append(Machine(workflow.name, workflow.name, workflow.directory / workflow.filename,
                             nested=workflow.starts, covers=workflow.name, main=True))
        # A variant without a builder of its own runs the definition its filename names.
        by_file = {workflow.filename: workflow.name, **{
            variant.filename: variant.name for variant in workflow.variants if variant.build}}
        for variant in workflow.variants:
            filename = variant.filename or workflow.filename
            covers = None if variant.runs_as == EXPRESS else by_file[filename]
            found.append(Machine(variant.name, workflow.name, workflow.directory / filename,
                                 variant.runs_as, variant.nested or workflow.starts,
                                 variant.substitutions, covers))
    return found


def machine_names() -> dict[str, Machine]:
    return {machine.name: machine for machine in machines()}


@dataclass(frozen=True)
class CostFlow:
    """A row of the cost benchmark: one scenario of one runner state machine."""

    label: str
    machine: str
    scenario: str
    uploads: int  # objects that went S3 -> SQS -> starter (0 for the API and the safety net)
    api_calls: int  # requests through API Gateway
    twin: str | None = None  # the Standard machine whose run counts for an Express child


def cost_flows() -> Iterator[CostFlow]:
    by_name = machine_names()
    for workflow in WORKFLOWS:
        uploads, calls = int(workflow.upload is not None), int(workflow.route is not None)
        for label, scenario in workflow.cost:
            yield CostFlow(label or f"{workflow.method} {workflow.route}", workflow.name,
                           scenario, uploads, calls)
        # A variant whose Express child leaves no history is counted as its Standard twin
        # runs: the definition deployed on the same conditions but IS_EXPRESS.
        standard = {(): workflow.name, **{tuple(sorted(v.deployed_when)): v.name
                                          for v in workflow.variants if v.deployed_when}}
        for variant in workflow.variants:
            nested = by_name.get(variant.nested or "")
            twin = standard[tuple(sorted(set(variant.deployed_when) - {IS_EXPRESS}))] \
                if nested and nested.runs_as == EXPRESS else None
            for label, scenario in variant.cost:
                yield CostFlow(label, variant.name, scenario, uploads, calls, twin)
