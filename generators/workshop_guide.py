"""Write the workshop guide, docs/workshop.md, from the committed ASL files.

    python -m generators.workshop_guide            # write docs/workshop.md
    python -m generators.workshop_guide --check    # fail when the committed guide differs

For each workflow the guide says what it does (its builder module's docstring), shows its
diagram, walks through creating it in the Step Functions console from the generated JSON
(every ``${Placeholder}`` in the file, what it means and where its value is), lists every
state and ends with a sample input for a test execution. A placeholder this script does not
know stops the generation, so the guide cannot silently fall behind the workflows.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from contract.item import SELFIE
from contract.placeholders import PLACEHOLDER as PLACEHOLDER_PATTERN
from generators.diagrams.edges import integration
from generators.output import ROOT, TEMPLATE_PATH, command_line
from statemachines import registry
from statemachines.asl import all_states, branch_of
from statemachines.registry import Definition

GUIDE_PATH = ROOT / "docs" / "workshop.md"
GENERATED_BY = "python -m generators.workshop_guide"


@dataclass(frozen=True)
class Placeholder:
    meaning: str
    tab: str  # where the deployed stack shows the value: Outputs, Parameters or Resources
    key: str  # the output, parameter or resource's logical id
    note: str = ""


PLACEHOLDERS = {
    "TableName": Placeholder(
        "the DynamoDB table with one item per user", "Outputs", "TableName"),
    "CollectionId": Placeholder(
        "the Rekognition collection that holds the registered faces", "Outputs",
        "CollectionId"),
    "BucketName": Placeholder(
        "the upload bucket that holds the ID documents, selfies and thumbnails", "Outputs",
        "BucketName"),
    "NotificationTopicArn": Placeholder(
        "the SNS topic that receives one message per failed verification", "Outputs",
        "NotificationTopicArn"),
    "IdentityCompareStateMachineArn": Placeholder(
        "the ARN of the nested identity compare state machine", "Outputs",
        "IdentityCompareStateMachineArn",
        "or the ARN of the identity compare state machine you created yourself"),
    "IdDocumentStateMachineArn": Placeholder(
        "the ARN of the ID document state machine", "Outputs", "IdDocumentStateMachineArn"),
    "IdentityVerificationStateMachineArn": Placeholder(
        "the ARN of the identity verification state machine", "Outputs",
        "IdentityVerificationStateMachineArn"),
    "ThumbnailFunctionArn": Placeholder(
        "the ARN of the Lambda function that makes the 250x250 thumbnail", "Resources",
        "ThumbnailFunction", "open it and copy the ARN from the Lambda console"),
    "FaceConfidenceThreshold": Placeholder(
        "the minimum confidence (%) that the selfie shows a face", "Parameters",
        "FaceConfidenceThreshold"),
    "DuplicateSimilarityThreshold": Placeholder(
        "the similarity (%) from which a registered face counts as the same person",
        "Parameters", "DuplicateSimilarityThreshold"),
    "CompareSimilarityThreshold": Placeholder(
        "the minimum similarity (%) between the selfie and the ID document's photo",
        "Parameters", "CompareSimilarityThreshold"),
    "MaxPoseDegrees": Placeholder(
        "the largest head yaw or pitch (degrees, either way) a selfie may show; "
        "`-${MaxPoseDegrees}` becomes the negative number", "Parameters", "MaxPoseDegrees"),
    "AnalyzeIdDocuments": Placeholder(
        "`true` to read the ID document's fields with Textract AnalyzeID, `false` to skip it",
        "Parameters", "AnalyzeIdDocuments"),
}

def placeholders(text: str, source: str = "the definition") -> list[str]:
    """The ``${Name}`` placeholders in an ASL file, sorted; an unknown one raises ValueError."""
    found = sorted(set(PLACEHOLDER_PATTERN.findall(text)))
    unknown = [name for name in found if name not in PLACEHOLDERS]
    if unknown:
        listed = ", ".join("${" + name + "}" for name in unknown)
        raise ValueError(f"{source}: unknown placeholder(s) {listed}: describe them in "
                         "PLACEHOLDERS in generators/workshop_guide.py")
    return found


def builder_module(definition: Definition) -> ModuleType:
    """The workflow's own module (its variants are built there too)."""
    return registry.get(definition.workflow).module


def _markdown(docstring: str) -> str:
    """A module docstring as Markdown: reStructuredText's ``code`` becomes `code`."""
    return re.sub(r"``(.+?)``", r"`\1`", inspect.cleandoc(docstring))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.lower())
    return text.replace(" ", "-")


def _template(template: dict | None) -> dict:
    if template is not None:
        return template
    return json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))


def _where(name: str, template: dict) -> str:
    """Where the deployed stack shows the value of a placeholder."""
    entry = PLACEHOLDERS[name]
    section = template.get(entry.tab, {})
    if entry.key not in section:
        raise ValueError(f"${{{name}}}: the template has no {entry.tab} entry {entry.key!r}")
    text = f"stack **{entry.tab}** tab: `{entry.key}`"
    default = section[entry.key].get("Default") if entry.tab == "Parameters" else None
    if default not in (None, ""):
        text += f" (default `{default}`)"
    if entry.note:
        text += f"; {entry.note}"
    return text


def _calls(state: dict) -> str:
    kind = state["Type"]
    if kind == "Task":
        return f"`{integration(state.get('Resource', ''))}`"
    if kind == "Choice":
        rules = len(state.get("Choices", []))
        return f"{rules} rule{'s' if rules != 1 else ''}, otherwise `{state.get('Default')}`"
    if kind == "Parallel":
        count = len(state.get("Branches", []))
        return f"{count} branches at once"
    if kind == "Map":
        return f"its states for each item of `{state.get('ItemsPath', '$')}`"
    if kind == "Fail":
        if "Error" in state:
            return f"fails with `{state['Error']}`"
        if "ErrorPath" in state:
            return f"fails with the error at `{state['ErrorPath']}`"
        return "fails"
    if kind == "Succeed":
        return "ends the execution successfully"
    if kind == "Pass":
        return "sets data, calls nothing"
    return ""


def state_table(definition: dict) -> list[str]:
    """One row per state, in definition order, the states of Parallel branches included."""
    inside, states = branch_of(definition), all_states(definition)
    rows = ["| # | State | Type | Calls or does | In |", "|---|---|---|---|---|"]
    for number, (name, state) in enumerate(states.items(), start=1):
        where = ""
        if name in inside:
            around, branch = inside[name]
            where = (f"each item of `{_cell(around)}`" if states[around]["Type"] == "Map"
                     else f"branch {branch + 1} of `{_cell(around)}`")
        rows.append(f"| {number} | {_cell(name)} | {state['Type']} | {_cell(_calls(state))} "
                    f"| {where} |")
    return rows


def _is_api(definition: Definition) -> bool:
    return registry.get(definition.workflow).route is not None


def _is_express_variant(definition: Definition) -> bool:
    return definition.express


def _is_collection_variant(definition: Definition) -> bool:
    return registry.IS_COLLECTION in definition.deployed_when


def _variant(definition: Definition, has_express_variant: bool) -> str:
    """How a variant's heading names it: by its type and, if not the default, its
    CompareMode."""
    kind = "Express" if _is_express_variant(definition) else \
        "Standard" if has_express_variant else ""
    if _is_collection_variant(definition):
        return f"CompareMode COLLECTION{', ' + kind if kind else ''} variant"
    return f"{kind} variant" if kind else "Default (CompareMode COMPARE_FACES)"


COLLECTION_NOTE = (
    "A stack deployed with `CompareMode=COLLECTION` runs this definition instead of the "
    "default one above: the face on the ID document is indexed into the collection, and the "
    "selfie's one `SearchFaces` answers both questions the default design asks "
    "`SearchFacesByImage` and `CompareFaces` (a duplicate registration? the ID's owner?). The "
    "nested identity compare workflow still makes the compare decision, on the match the "
    "search found; it calls no Rekognition API of its own. `make bench-cost` prints what each "
    "mode costs.")


def _type_advice(definition: Definition, has_express_variant: bool) -> str:
    advice = getattr(builder_module(definition), "TYPE_ADVICE", None)  # a workflow's own word
    if advice:
        return advice
    if _is_api(definition):
        return ("**Express**: the API starts it with `StartSyncExecution` and waits for its "
                "answer.")
    if _is_express_variant(definition):
        return ("**Express**: this variant is for stacks deployed with `WorkflowType=EXPRESS`; "
                "it starts the identity compare workflow with `StartSyncExecution`, so create "
                "that one as Express too.")
    if has_express_variant:
        return ("**Standard** (it waits for the nested workflow with `.sync`, which Express "
                "cannot); for `WorkflowType=EXPRESS` use the Express variant below.")
    return "**Standard**, unless your stack was deployed with `WorkflowType=EXPRESS`."


def sample_input(definition: Definition, text: str) -> dict:
    """A test input with the fields the workflow reads from its input (or the module's own
    ``SAMPLE_INPUT``, for a workflow started by an event rather than an upload)."""
    own = getattr(builder_module(definition), "SAMPLE_INPUT", None)
    if own is not None:
        return own
    def reads(field: str) -> bool:
        return f'"$.{field}"' in text or f"'$.{field}'" in text or f"$.{field}." in text

    image = {"Bytes": "<base64>"}
    if _is_api(definition):
        candidates = {"userid": "alice", "selfie": image, "idcard": image}
    else:
        # An upload's own workflow, or one that works on the selfie (the nested compare).
        folder = (registry.get(definition.workflow).upload or SELFIE).folder
        candidates = {"userid": "alice", "bucket": "<BucketName output>",
                      "key": f"{folder}/alice.jpg", "uploaded_at": "2026-01-01T00:00:00.000Z"}
    return {field: value for field, value in candidates.items() if reads(field)}


def _optional_fields(text: str) -> list[str]:
    return [field for field in ("similarity_threshold", "quality_filter")
            if f'"$.{field}"' in text]


def _file_section(definition: Definition, text: str, template: dict, has_express_variant: bool,
                  heading: str) -> list[str]:
    document = json.loads(text)
    stem = definition.filename.removesuffix(".asl.json")
    found = placeholders(text, f"statemachines/{definition.filename}")
    role = f"{registry.get(definition.workflow).resource_title}Role"
    lines = [
        heading, "",
        f"![{stem} diagram](../statemachines/{stem}.svg)", "",
        f"Diagram: [`statemachines/{stem}.svg`](../statemachines/{stem}.svg) "
        f"(Mermaid source: [`statemachines/{stem}.mmd`](../statemachines/{stem}.mmd)).", "",
        "**In the console**", "",
        "1. Open the **Step Functions** console, then **State machines** → "
        "**Create state machine**.",
        "2. Choose **Write your workflow in code** (in the newer console: the **Blank** "
        "template, then the **Code** view).",
        f"3. Replace the whole definition with the contents of "
        f"[`statemachines/{definition.filename}`](../statemachines/{definition.filename}).",
    ]
    if found:
        lines.append("4. Replace each placeholder, `${` and `}` included, with the value "
                     "from the deployed stack (`make deploy`, then the CloudFormation console "
                     "→ the stack, or `make outputs`):")
        lines += ["", "   | Placeholder | Meaning | Where to find the value |",
                  "   |---|---|---|"]
        for name in found:
            lines.append(f"   | `${{{name}}}` | {_cell(PLACEHOLDERS[name].meaning)} | "
                         f"{_cell(_where(name, template))} |")
        lines.append("")
    else:
        lines.append("4. The file has no placeholders: nothing to replace.")
    lines.append(f"5. Type: {_type_advice(definition, has_express_variant)}")
    permissions = "6. Permissions: "
    if role in template.get("Resources", {}):
        permissions += (f"choose the existing role of the deployed stack, `{role}` "
                        "(CloudFormation → the stack's **Resources** tab), which may call every "
                        "service the workflow uses.")
    else:
        permissions += "let the console create a role, then allow it every call listed below."
    lines += [permissions,
              "7. **Create**, then check that the console shows no errors in the definition.",
              "", f"**States** ({len(all_states(document))})", ""]
    lines += state_table(document)
    return lines + [""]


def _test_section(definition: Definition, text: str) -> list[str]:
    sample = json.dumps(sample_input(definition, text), indent=2)
    lines = ["**Test execution**", ""]
    if _is_api(definition):
        lines += [
            "Choose **Start execution** and paste a request body such as the one below. Put "
            "each image's bytes in base64 (`base64 -w0 selfie.jpg`), or name an object instead: "
            '`{"S3Object": {"Bucket": "<BucketName output>", "Name": '
            '"<ApiObjectPrefix output>alice.jpg"}}`.',
        ]
        optional = _optional_fields(text)
        if optional:
            lines += ["", "Optional fields: " + ", ".join(f"`{field}`" for field in optional)
                      + " (see above)."]
    elif hasattr(builder_module(definition), "TEST_INSTRUCTIONS"):
        lines += [builder_module(definition).TEST_INSTRUCTIONS]
    else:
        key = sample_input(definition, text).get("key", "")
        lines += [
            f"Upload a photo first, `aws s3 cp photo.jpg s3://<BucketName output>/{key}` (the "
            "deployed stack starts its own workflow for the upload too; that does no harm), "
            "then choose **Start execution** and paste:",
        ]
    lines += ["", "```json", sample, "```", "",
              "An Express execution keeps no history in the console: turn on logging (level "
              "ALL, with execution data) when you create it to read its result in CloudWatch "
              "Logs." if _is_api(definition) else
              "The **Graph view** of the execution shows the path taken; each state's input "
              "and output are in the step details.", ""]
    return lines


def guide(files: list[tuple[Definition, str]] | None = None,
          template: dict | None = None) -> str:
    """The workshop guide for ``files`` (each definition with its ASL text; by default the
    committed ``statemachines/*.asl.json``)."""
    if files is None:
        files = [(definition, definition.path.read_text(encoding="utf-8"))
                 for definition in registry.definitions()]
    template = _template(template)
    workflows: dict[str, list[tuple[Definition, str]]] = {}
    for definition, text in files:
        workflows.setdefault(definition.workflow, []).append((definition, text))

    titles = {}
    for workflow, entries in workflows.items():
        module = builder_module(entries[0][0])
        route = getattr(module, "ROUTE", None)
        method = getattr(module, "METHOD", "POST")
        titles[workflow] = getattr(module, "TITLE", workflow) + (f" (`{method} {route}`)"
                                                                  if route else "")
    lines = [
        f"<!-- Generated by `{GENERATED_BY}` from statemachines/*.asl.json. "
        "Do not edit by hand: change the workflows and run the generator. -->",
        "",
        "# Workshop: the eKYC state machines in the AWS console",
        "",
        f"> Generated by `{GENERATED_BY}`; do not edit this file by hand.",
        "",
        "This guide builds each eKYC workflow by hand in the Step Functions console from the "
        "generated JSON in `statemachines/`. Deploy the stack first (`make deploy`): the "
        "placeholders in the JSON stand for its resources and parameters. The stack's "
        "**Outputs** and **Parameters** tabs in the CloudFormation console (or `make outputs`) "
        "have the values.",
        "",
        "Workflows:",
        "",
    ]
    for number, workflow in enumerate(workflows, start=1):
        heading = f"{number}. {titles[workflow]}"
        lines.append(f"{number}. [{titles[workflow]}](#{_anchor(heading)})")
    lines.append("")

    for number, (workflow, entries) in enumerate(workflows.items(), start=1):
        module = builder_module(entries[0][0])
        lines += [f"## {number}. {titles[workflow]}", ""]
        if module.__doc__:
            lines += [_markdown(module.__doc__), ""]
        has_express_variant = any(_is_express_variant(d) for d, _ in entries)
        for definition, text in entries:
            if len(entries) > 1:
                variant = _variant(definition, has_express_variant)
                heading = f"### {variant}: `{definition.filename}`"
            else:
                heading = f"### `{definition.filename}`"
            section = _file_section(definition, text, template, has_express_variant, heading)
            if _is_collection_variant(definition):
                section[2:2] = [COLLECTION_NOTE, ""]
            lines += section + _test_section(definition, text)
    return "\n".join(lines).rstrip("\n") + "\n"


def artifacts() -> dict[Path, str]:
    """The guide's path and content, built from the committed ASL files."""
    return {GUIDE_PATH: guide()}


def main(argv: list[str] | None = None) -> int:
    return command_line(argv, artifacts, description=__doc__.splitlines()[0],
                        what="guide file", command=GENERATED_BY, root=ROOT)


if __name__ == "__main__":
    sys.exit(main())
