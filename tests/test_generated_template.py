"""Properties of the generated template (templates/ekyc.template.json): the state machines it
embeds, least-privilege IAM, storage, queues and encryption."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contract.placeholders import placeholders
from statemachines import asl, registry
from templates.policies import UNSCOPED_ACTIONS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
RESOURCES = TEMPLATE["Resources"]

# Each workflow's state machine and the ASL files it may run (its deployed variants' too).
STATE_MACHINES = {
    f"{workflow.resource_title}StateMachine": [
        workflow.filename, *(variant.filename for variant in workflow.variants
                             if variant.deployed_when)]
    for workflow in registry.WORKFLOWS
}
# Those whose type the WorkflowType parameter chooses.
TYPED_BY_PARAMETER = [f"{workflow.resource_title}StateMachine" for workflow in registry.WORKFLOWS
                      if workflow.deployed_as is None]
THRESHOLD_DEFAULTS = {
    "FaceConfidenceThreshold": "99",
    "DuplicateSimilarityThreshold": "95",
    "CompareSimilarityThreshold": "80",
    "MaxPoseDegrees": "45",
}


def registry_type(title: str) -> str:
    (workflow,) = [workflow for workflow in registry.WORKFLOWS
                   if f"{workflow.resource_title}StateMachine" == title]
    return workflow.deployed_as


def chosen(value, holding: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    """The values a nest of Fn::If may give, by the conditions (sorted) that hold for each."""
    if isinstance(value, dict) and "Fn::If" in value:
        condition, when_true, when_false = value["Fn::If"]
        return {**chosen(when_true, (*holding, condition)), **chosen(when_false, holding)}
    return {tuple(sorted(holding)): value}


def definitions_in_template(resource: dict) -> list[str]:
    """The definition texts of a state machine: one, or one per branch of its Fn::If."""
    return list(chosen(resource["Properties"]["DefinitionString"]).values())


def iam_statements(document) -> list[dict]:
    """Statements of a policy document, following Fn::If branches."""
    if isinstance(document, dict) and "Fn::If" in document:
        return [s for branch in document["Fn::If"][1:] for s in iam_statements(branch)]
    if document == {"Ref": "AWS::NoValue"}:
        return []
    if isinstance(document, dict) and "PolicyDocument" in document:
        return iam_statements(document["PolicyDocument"])
    statements = document["Statement"]
    return statements if isinstance(statements, list) else [statements]


def role_statements(title: str) -> list[dict]:
    return [s for p in RESOURCES[title]["Properties"]["Policies"] for s in iam_statements(p)]


def allowed(title: str) -> dict[str, list]:
    """action -> resources allowed by a role."""
    result: dict[str, list] = {}
    for statement in role_statements(title):
        if statement["Effect"] == "Allow":
            for action in statement["Action"]:
                result.setdefault(action, []).extend(statement["Resource"])
    return result


def test_template_holds_definitions_as_strings_never_objects():
    """CloudFormation refuses a null anywhere in a template, and ``"ResultPath": null`` is
    ASL: a ``Definition`` object would carry it, a ``DefinitionString`` does not."""
    machines = [title for title, resource in RESOURCES.items()
                if resource["Type"] == "AWS::StepFunctions::StateMachine"]
    assert set(STATE_MACHINES) <= set(machines)
    for title in machines:
        properties = RESOURCES[title]["Properties"]
        assert "Definition" not in properties and "DefinitionS3Location" not in properties
        assert all(isinstance(text, str) for text in definitions_in_template(RESOURCES[title]))


@pytest.mark.parametrize("title", STATE_MACHINES)
def test_template_embeds_the_committed_asl_files_word_for_word(title):
    embedded = definitions_in_template(RESOURCES[title])
    expected = [(ROOT / "statemachines" / name).read_text() for name in STATE_MACHINES[title]]
    assert sorted(text + "\n" for text in embedded) == sorted(expected)


def test_variants_are_chosen_by_the_workflow_type_and_the_compare_mode():
    assert TEMPLATE["Conditions"]["IsExpress"] == {"Fn::Equals": [{"Ref": "WorkflowType"},
                                                                  "EXPRESS"]}
    assert TEMPLATE["Conditions"]["IsCollection"] == {"Fn::Equals": [{"Ref": "CompareMode"},
                                                                     "COLLECTION"]}
    assert TEMPLATE["Parameters"]["CompareMode"]["Default"] == "COMPARE_FACES"
    assert TEMPLATE["Parameters"]["CompareMode"]["AllowedValues"] == ["COMPARE_FACES",
                                                                      "COLLECTION"]
    expected = {
        "IdentityVerificationStateMachine": {
            (): "identity_verification", ("IsExpress",): "identity_verification.express",
            ("IsCollection",): "identity_verification.collection",
            ("IsCollection", "IsExpress"): "identity_verification.collection.express"},
        "IdDocumentStateMachine": {(): "id_document",
                                   ("IsCollection",): "id_document.collection"},
        "IdentityCompareStateMachine": {(): "identity_compare",
                                        ("IsCollection",): "identity_compare.collection"},
    }
    for title, files in expected.items():
        definition = RESOURCES[title]["Properties"]["DefinitionString"]
        assert {key: text + "\n" for key, text in chosen(definition).items()} == {
            key: (ROOT / "statemachines" / f"{name}.asl.json").read_text()
            for key, name in files.items()}, title


def test_no_null_anywhere_in_the_template():
    from templates.rules import nulls

    assert list(nulls(TEMPLATE)) == []


@pytest.mark.parametrize("title", STATE_MACHINES)
def test_placeholders_and_substitutions_match_exactly(title):
    """Each definition the stack may deploy comes with the substitutions of its own
    placeholders, chosen on the same conditions."""
    properties = RESOURCES[title]["Properties"]
    for key, text in chosen(properties["DefinitionString"]).items():
        values = evaluated(properties["DefinitionSubstitutions"], set(key))
        assert placeholders(text) == set(values), (title, key)


def evaluated(value, holding: set[str]):
    """What a nest of Fn::If gives where the conditions ``holding`` hold, and no other."""
    while isinstance(value, dict) and "Fn::If" in value:
        condition, when_true, when_false = value["Fn::If"]
        value = when_true if condition in holding else when_false
    return value


def test_thresholds_come_from_parameters_with_documented_defaults():
    parameters = TEMPLATE["Parameters"]
    for name, default in THRESHOLD_DEFAULTS.items():
        assert parameters[name]["Default"] == default
        users = [title for title in STATE_MACHINES
                 if name in RESOURCES[title]["Properties"]["DefinitionSubstitutions"]]
        assert users, f"{name} is used by no workflow"
        for title in users:
            for values in chosen(RESOURCES[title]["Properties"]["DefinitionSubstitutions"]
                                 ).values():
                assert values.get(name, {"Ref": name}) == {"Ref": name}


# --- IAM -----------------------------------------------------------------------------------------

def test_no_wildcard_resource_outside_the_documented_list():
    for title, resource in RESOURCES.items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for statement in role_statements(title):
            assert statement["Effect"] == "Allow"
            if "*" in statement["Resource"]:
                assert statement["Resource"] == ["*"]
                unexplained = [a for a in statement["Action"] if a not in UNSCOPED_ACTIONS]
                assert unexplained == [], (title, unexplained)
            for action in statement["Action"]:
                assert "*" not in action, (title, action)


def test_roles_can_only_be_assumed_by_their_service_for_this_account():
    """...where the service says which account it acts for: API Gateway does not (see
    templates/policies.py), so a condition on its role would refuse every request."""
    checked = 0
    for title, resource in RESOURCES.items():
        if resource["Type"] == "AWS::IAM::Role":
            (statement,) = resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]
            (service,) = statement["Principal"]["Service"]
            if service == "apigateway.amazonaws.com":
                assert "Condition" not in statement, title
                continue
            assert statement["Condition"] == {
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}, title
            checked += 1
    assert checked > 0
    assert RESOURCES["ApiRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0][
        "Principal"] == {"Service": ["apigateway.amazonaws.com"]}


def test_collection_apis_are_scoped_to_the_collection():
    collection_arn = {"Fn::GetAtt": ["FacesCollection", "Arn"]}
    verification = allowed("IdentityVerificationRole")
    for action in ("rekognition:SearchFacesByImage", "rekognition:IndexFaces",
                   "rekognition:DeleteFaces", "rekognition:SearchFaces"):
        assert set(map(json.dumps, verification[action])) == {json.dumps(collection_arn)}
    for action in ("rekognition:IndexFaces", "rekognition:DeleteFaces"):
        assert allowed("IdDocumentRole")[action] == [collection_arn]
    assert allowed("StarterRole")["rekognition:DeleteFaces"] == [collection_arn]


def mode_policies(title: str) -> dict[str, set[str]]:
    """The actions a role is allowed in each CompareMode."""
    found = {"COMPARE_FACES": set(), "COLLECTION": set()}
    for document in RESOURCES[title]["Properties"]["Policies"]:
        branches = chosen(document)
        for key, branch in branches.items():
            modes = ["COLLECTION"] if "IsCollection" in key else ["COMPARE_FACES"]
            if len(branches) == 1 or "IsCollection" not in {c for k in branches for c in k}:
                modes = ["COMPARE_FACES", "COLLECTION"]
            for mode in modes:
                for statement in iam_statements(branch):
                    found[mode].update(statement["Action"])
    return found


def test_each_compare_mode_allows_only_the_rekognition_calls_its_definitions_make():
    def rekognition(title, mode):
        return {a for a in mode_policies(title)[mode] if a.startswith("rekognition:")}
    assert rekognition("IdDocumentRole", "COMPARE_FACES") == {"rekognition:DetectFaces"}
    assert rekognition("IdDocumentRole", "COLLECTION") == {"rekognition:IndexFaces",
                                                            "rekognition:DeleteFaces"}
    assert rekognition("IdentityVerificationRole", "COMPARE_FACES") == {
        "rekognition:SearchFacesByImage", "rekognition:IndexFaces", "rekognition:DeleteFaces"}
    assert rekognition("IdentityVerificationRole", "COLLECTION") == {
        "rekognition:SearchFaces", "rekognition:IndexFaces", "rekognition:DeleteFaces"}
    assert rekognition("IdentityCompareRole", "COMPARE_FACES") == {"rekognition:CompareFaces"}
    assert rekognition("IdentityCompareRole", "COLLECTION") == set()
    assert "s3:GetObject" not in mode_policies("IdentityCompareRole")["COLLECTION"]


def test_each_workflow_role_reads_only_its_prefixes():
    def objects(prefix):
        return {"Fn::Sub": "${UploadBucket.Arn}/" + prefix + "*"}
    assert allowed("IdDocumentRole")["s3:GetObject"] == [objects("id_document/")]
    assert allowed("IdentityVerificationRole")["s3:GetObject"] == [objects("selfie/")]
    assert allowed("IdentityCompareRole")["s3:GetObject"] == [objects("selfie/"),
                                                             objects("id_document/")]
    # The starter only asks whether its uploads are still there (HeadObject needs GetObject).
    assert allowed("StarterRole")["s3:GetObject"] == [objects("id_document/"),
                                                      objects("selfie/")]
    assert allowed("StarterRole")["s3:ListBucket"] == [{"Fn::GetAtt": ["UploadBucket", "Arn"]}]
    for role in ("RegisterRole", "RegisterIdcardRole", "CompareFacesRole"):
        assert allowed(role)["s3:GetObject"] == [objects("api/")]
    for role in ("AuthenticateRole", "UpdateFaceRole"):
        assert allowed(role)["s3:GetObject"] == [objects("api/"), objects("selfie/")]
    assert allowed("ThumbnailRole")["s3:GetObject"] == [objects("selfie/")]
    assert allowed("ThumbnailRole")["s3:PutObject"] == [objects("thumbnails/")]
    assert "rekognition:DetectFaces" not in allowed("IdentityVerificationRole")
    assert allowed("IdentityVerificationRole")["lambda:InvokeFunction"] == [
        {"Fn::GetAtt": ["ThumbnailFunction", "Arn"]}]


API_MACHINES = ("Register", "RegisterIdcard", "Authenticate", "UpdateFace", "CompareFaces",
                "Forget")


def test_api_routes_are_iam_authorised_service_integrations_without_lambda():
    methods = [r["Properties"] for r in RESOURCES.values()
               if r["Type"] == "AWS::ApiGateway::Method"]
    assert len(methods) == 6
    for method in methods:
        assert method["AuthorizationType"] == "AWS_IAM"
        integration = method["Integration"]
        assert integration["Type"] == "AWS"
        assert integration["Uri"]["Fn::Sub"].endswith(":states:action/StartSyncExecution")
        assert integration["PassthroughBehavior"] == "NEVER"
        assert "RequestValidatorId" in method and "application/json" in method["RequestModels"]
    assert sorted(m["HttpMethod"] for m in methods) == ["DELETE"] + ["POST"] * 5
    (erase,) = [m for m in methods if m["HttpMethod"] == "DELETE"]
    assert erase["ResourceId"] == {"Ref": "ForgetResource"}
    assert RESOURCES["ForgetResource"]["Properties"]["PathPart"] == "user"
    assert allowed("ApiRole") == {"states:StartSyncExecution": [
        {"Ref": f"{name}StateMachine"} for name in API_MACHINES]}
    api_machines = [r["Properties"] for t, r in RESOURCES.items()
                    if r["Type"] == "AWS::StepFunctions::StateMachine"
                    and t.removesuffix("StateMachine") in API_MACHINES]
    assert [m["StateMachineType"] for m in api_machines] == ["EXPRESS"] * 6
    assert "Access-Control-Allow-Origin" not in json.dumps(TEMPLATE)


def test_nested_sync_execution_permissions():
    policies = RESOURCES["IdentityVerificationRole"]["Properties"]["Policies"]
    (nested,) = [p for p in policies if "Fn::If" in p and p["Fn::If"][0] == "IsExpress"]
    condition, express, standard = nested["Fn::If"]
    assert condition == "IsExpress"
    compare = {"Ref": "IdentityCompareStateMachine"}
    assert iam_statements(express) == [
        {"Action": ["states:StartSyncExecution"], "Effect": "Allow", "Resource": [compare]}]
    by_action = {a: s["Resource"] for s in iam_statements(standard) for a in s["Action"]}
    assert by_action["states:StartExecution"] == [compare]
    execution = by_action["states:DescribeExecution"][0]["Fn::Sub"]
    assert execution[0].endswith(":execution:${Name}:*")
    assert execution[1] == {"Name": {"Fn::GetAtt": ["IdentityCompareStateMachine", "Name"]}}
    assert by_action["events:PutRule"] == [{"Fn::Sub": (
        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:"
        "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule")}]


def test_starter_may_start_only_the_upload_workflows():
    assert allowed("StarterRole")["states:StartExecution"] == [
        {"Ref": "IdDocumentStateMachine"}, {"Ref": "IdentityVerificationStateMachine"}]


# --- Storage, queues, encryption -----------------------------------------------------------------

def test_bucket_is_private_encrypted_and_tls_only():
    bucket = RESOURCES["UploadBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (deny,) = RESOURCES["UploadBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_each_prefix_notifies_its_own_queue_and_each_queue_has_a_dead_letter_queue():
    configurations = RESOURCES["UploadBucket"]["Properties"]["NotificationConfiguration"][
        "QueueConfigurations"]
    routes = {c["Filter"]["S3Key"]["Rules"][0]["Value"]: c["Queue"]["Fn::GetAtt"][0]
              for c in configurations}
    assert routes == {"id_document/": "IdDocumentQueue", "selfie/": "SelfieQueue"}
    for queue in routes.values():
        redrive = RESOURCES[queue]["Properties"]["RedrivePolicy"]
        assert redrive["deadLetterTargetArn"] == {
            "Fn::GetAtt": [queue.replace("Queue", "DeadLetterQueue"), "Arn"]}
        assert redrive["maxReceiveCount"] == {"Ref": "MaxReceiveCount"}


def test_queue_policy_admits_only_this_bucket_in_this_account():
    statement = RESOURCES["UploadQueuesPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": ["s3.amazonaws.com"]}
    assert statement["Action"] == ["sqs:SendMessage"]
    assert "aws:SourceArn" in statement["Condition"]["ArnLike"]
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_everything_that_holds_data_is_encrypted():
    for title, resource in RESOURCES.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::SQS::Queue":
            assert properties["SqsManagedSseEnabled"] is True, title
        if resource["Type"] == "AWS::DynamoDB::Table":
            assert properties["SSESpecification"] == {"SSEEnabled": True}
            assert properties["BillingMode"] == "PAY_PER_REQUEST"
            assert properties["PointInTimeRecoverySpecification"][
                "PointInTimeRecoveryEnabled"] is True
        if resource["Type"] == "AWS::SNS::Topic":
            # The operations topic has a key of its own, which CloudWatch may use
            # (tests/test_template_alarms.py); the others the AWS-managed key.
            expected = ({"Ref": "OperationsTopicKey"} if title == "OperationsTopic"
                        else "alias/aws/sns")
            assert properties["KmsMasterKeyId"] == expected, title


def test_log_groups_are_encrypted_by_cloudwatch_and_say_why_not_with_a_key_of_ours():
    for title, resource in RESOURCES.items():
        if resource["Type"] == "AWS::Logs::LogGroup":
            assert "KmsKeyId" in resource["Properties"] or \
                "CKV_AWS_158" in resource["Metadata"]["LintWaivers"], title


def test_no_resource_policy_allows_anyone():
    """Bucket and queue policies may deny everyone (TLS only) but allow only named services
    of this account; nothing is public."""
    for title, resource in RESOURCES.items():
        document = resource.get("Properties", {}).get("PolicyDocument")
        if not document or resource["Type"] == "AWS::IAM::Role":
            continue
        for statement in document["Statement"]:
            if statement["Effect"] == "Allow":
                assert statement["Principal"] not in ("*", {"AWS": "*"}), title
                assert set(statement["Principal"]) == {"Service"}, title
                assert "Condition" in statement, title
    assert all(RESOURCES["UploadBucket"]["Properties"][
        "PublicAccessBlockConfiguration"].values())


def test_starter_reports_partial_batch_failures_and_runs_inline_python_312():
    function = RESOURCES["StarterFunction"]["Properties"]
    assert function["Runtime"] == "python3.12"
    assert "def handler(" in function["Code"]["ZipFile"]
    mappings = [r["Properties"] for r in RESOURCES.values()
                if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert len(mappings) == 2
    assert all(m["FunctionResponseTypes"] == ["ReportBatchItemFailures"] for m in mappings)


def test_state_machines_are_traced_logged_and_typed_by_parameter():
    assert TYPED_BY_PARAMETER == ["IdDocumentStateMachine", "IdentityVerificationStateMachine",
                                  "IdentityCompareStateMachine"]
    for title in STATE_MACHINES:
        properties = RESOURCES[title]["Properties"]
        assert properties["StateMachineType"] == ({"Ref": "WorkflowType"}
                                                  if title in TYPED_BY_PARAMETER
                                                  else registry_type(title)), title
        assert properties["TracingConfiguration"] == {"Enabled": True}
        assert properties["LoggingConfiguration"]["Level"] == "ALL"
    assert TEMPLATE["Parameters"]["WorkflowType"]["Default"] == "STANDARD"


def test_log_groups_have_retention():
    groups = [r for r in RESOURCES.values() if r["Type"] == "AWS::Logs::LogGroup"]
    machines = [r for r in RESOURCES.values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    functions = [r for r in RESOURCES.values() if r["Type"] == "AWS::Lambda::Function"]
    assert len(groups) == len(machines) + len(functions) == len(machines) + 2
    assert all(g["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"} for g in groups)


def test_nothing_is_hard_coded_to_an_account_or_region():
    text = json.dumps(TEMPLATE)
    assert not re.search(r"\b\d{12}\b", text)
    assert not re.search(r"\b(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|"
                         r"southeast)-\d\b", text)
    assert "xxxxxx" not in text.lower()


def test_every_lint_waiver_carries_a_reason():
    for title, resource in RESOURCES.items():
        metadata = resource.get("Metadata", {})
        ignored = metadata.get("cfn-lint", {}).get("config", {}).get("ignore_checks", [])
        skipped = metadata.get("checkov", {}).get("skip", [])
        reasons = metadata.get("LintWaivers", {})
        assert sorted(ignored + [skip["id"] for skip in skipped]) == sorted(reasons), title
        assert all(len(reason) > 30 for reason in reasons.values()), title
        assert all(skip["comment"] == reasons[skip["id"]] for skip in skipped), title


def test_outputs_name_everything_a_user_needs():
    assert set(TEMPLATE["Outputs"]) >= {
        "BucketName", "TableName", "CollectionId", "NotificationTopicArn",
        "IdDocumentStateMachineArn", "IdentityVerificationStateMachineArn",
        "IdentityCompareStateMachineArn", "StarterFunctionName", "IdDocumentQueueUrl",
        "SelfieQueueUrl", "IdDocumentDeadLetterQueueUrl", "SelfieDeadLetterQueueUrl",
        "NotificationDeadLetterQueueUrl"}


# Who may delete what: erasing a user deletes that user's pictures; a verification that finds
# its user erased deletes the thumbnail it made (derived from a selfie, not an upload).
DELETERS = {"ForgetRole": ("id_document/", "selfie/", "api/", "thumbnails/"),
            "IdentityVerificationRole": ("thumbnails/",)}
# forget: the user's API uploads, a page at a time, then the upload and thumbnail keys.
DELETE_CALLS = {"forget": [asl.sdk("s3", "deleteObjects")] * 2,
                "identity_verification": [asl.sdk("s3", "deleteObject")]}


def test_only_the_erasure_workflow_can_delete_an_upload():
    """Whatever fails, the uploaded pictures stay in the bucket for a retry or a review. The
    one exception is deliberate: erasing a user (``DELETE /user``) deletes that user's
    pictures, under the upload and thumbnail prefixes only; its definition calls S3's
    DeleteObjects, which needs s3:DeleteObject on each key (S3 API Reference, DeleteObjects).
    Besides, the selfie verification may delete under ``thumbnails/`` only (DeleteObject): the
    thumbnail it made for a user erased meanwhile, never an upload."""
    for title, resource in RESOURCES.items():
        if resource["Type"] == "AWS::IAM::Role":
            actions = [a for s in role_statements(title) for a in s["Action"]]
            deletes = [a for a in actions if a.startswith("s3:Delete")]
            assert deletes == (["s3:DeleteObject"] if title in DELETERS else []), title
    for title, prefixes in DELETERS.items():
        assert allowed(title)["s3:DeleteObject"] == [
            {"Fn::Sub": "${UploadBucket.Arn}/" + prefix + "*"} for prefix in prefixes], title
    for definition in registry.definitions():
        resources = [s.get("Resource", "") for s in asl.all_states(definition.build()).values()]
        deleting = [r for r in resources if ":s3:delete" in r]
        assert deleting == DELETE_CALLS.get(definition.workflow, []), definition.filename


def test_only_the_erasure_workflow_lists_keys_and_only_in_the_api_folders_the_starter_none():
    """ListObjectsV2 needs s3:ListBucket on the bucket; the s3:prefix condition key holds it to
    requests whose Prefix matches ("Bucket policy examples using condition keys", Amazon S3
    User Guide): the erasure lists ``api/<userid>/`` and may list nothing outside ``api/``."""
    listing = {title: [s for s in role_statements(title) if "s3:ListBucket" in s["Action"]]
               for title, resource in RESOURCES.items() if resource["Type"] == "AWS::IAM::Role"}
    # The starter's HeadObject needs ListBucket to be told 404 for a picture erased meanwhile
    # (HeadObject, Amazon S3 API Reference); a HeadObject request carries no s3:prefix, so
    # that grant cannot be held to a prefix. The starter lists nothing.
    assert {title for title, found in listing.items() if found} == {"ForgetRole", "StarterRole"}
    assert "s3:ListObjectsV2" not in (ROOT / "lambdas" / "starter.py").read_text()
    assert "list_objects" not in (ROOT / "lambdas" / "starter.py").read_text()
    (statement,) = listing["ForgetRole"]
    assert statement["Action"] == ["s3:ListBucket"]
    assert statement["Resource"] == [{"Fn::GetAtt": ["UploadBucket", "Arn"]}]
    assert statement["Condition"] == {"StringLike": {"s3:prefix": ["api/*"]}}
    (lister,) = [state for state in asl.all_states(registry.get("forget").build()).values()
                 if state.get("Resource") == asl.sdk("s3", "listObjectsV2")
                 and "ContinuationToken.$" not in state["Parameters"]]
    assert lister["Parameters"]["Prefix.$"] == "States.Format('api/{}/', $.userid)"
