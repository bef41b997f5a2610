"""Properties of the generated template and state machine definitions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generators import synth
from generators.output import drift
from statemachines import DEFINITIONS, asl
from templates.policies import UNSCOPED_ACTIONS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
RESOURCES = TEMPLATE["Resources"]
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")

STATE_MACHINES = {
    "IdDocumentStateMachine": ["id_document.asl.json"],
    "IdentityCompareStateMachine": ["identity_compare.asl.json"],
    "IdentityVerificationStateMachine": ["identity_verification.asl.json",
                                         "identity_verification.express.asl.json"],
}
THRESHOLD_DEFAULTS = {
    "FaceConfidenceThreshold": "99",
    "DuplicateSimilarityThreshold": "95",
    "CompareSimilarityThreshold": "80",
    "MaxPoseDegrees": "45",
}


def asl_file(name: str) -> dict:
    return json.loads((ROOT / "statemachines" / name).read_text())


def all_definitions() -> list[tuple[str, dict]]:
    return [(d.filename, asl_file(d.filename)) for d in DEFINITIONS]


def states_of(definition: dict):
    """Every (name, state) of a definition, including states nested in Parallel/Map."""
    for name, state in definition["States"].items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from states_of(branch)
        if "ItemProcessor" in state:
            yield from states_of(state["ItemProcessor"])


def definitions_in_template(resource: dict) -> list[str]:
    """The definition texts of a state machine: one, or one per branch of an Fn::If."""
    definition = resource["Properties"]["DefinitionString"]
    if isinstance(definition, dict) and "Fn::If" in definition:
        return definition["Fn::If"][1:]
    return [definition]


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


def test_committed_artifacts_match_the_generator():
    assert drift(synth.artifacts()) == []
    assert drift(synth.views()) == []


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


def test_express_variant_is_chosen_by_the_workflow_type():
    definition = RESOURCES["IdentityVerificationStateMachine"]["Properties"]["DefinitionString"]
    condition, express, standard = definition["Fn::If"]
    assert TEMPLATE["Conditions"][condition] == {"Fn::Equals": [{"Ref": "WorkflowType"},
                                                                "EXPRESS"]}
    assert express + "\n" == (ROOT / "statemachines" /
                              "identity_verification.express.asl.json").read_text()
    assert standard + "\n" == (ROOT / "statemachines" /
                               "identity_verification.asl.json").read_text()


def test_no_null_anywhere_in_the_template():
    from templates.rules import nulls

    assert list(nulls(TEMPLATE)) == []


@pytest.mark.parametrize("title", STATE_MACHINES)
def test_placeholders_and_substitutions_match_exactly(title):
    substitutions = RESOURCES[title]["Properties"]["DefinitionSubstitutions"]
    for name in STATE_MACHINES[title]:
        used = set(PLACEHOLDER.findall((ROOT / "statemachines" / name).read_text()))
        assert used == set(substitutions), name


def test_thresholds_come_from_parameters_with_documented_defaults():
    parameters = TEMPLATE["Parameters"]
    for name, default in THRESHOLD_DEFAULTS.items():
        assert parameters[name]["Default"] == default
        users = [title for title in STATE_MACHINES
                 if name in RESOURCES[title]["Properties"]["DefinitionSubstitutions"]]
        assert users, f"{name} is used by no workflow"
        for title in users:
            assert RESOURCES[title]["Properties"]["DefinitionSubstitutions"][name] == {"Ref": name}


def comparisons(condition: dict):
    """Every leaf comparison of a Choice rule."""
    for key in ("And", "Or"):
        for inner in condition.get(key, []):
            yield from comparisons(inner)
    if "Not" in condition:
        yield from comparisons(condition["Not"])
    if "Variable" in condition:
        yield condition


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_thresholds_are_never_literals_in_a_choice(filename, definition):
    checked = 0
    for name, state in states_of(definition):
        for rule in state.get("Choices", []):
            for comparison in comparisons(rule):
                operators = [k for k in comparison if k.startswith("Numeric")]
                if operators and re.search(r"Confidence|Similarity|Pose", comparison["Variable"]):
                    assert all(k.endswith("Path") for k in operators), (name,)
                    # /compare's caller may choose the threshold; its default is a setting.
                    source = "$.options." if filename == "compare_faces.asl.json" \
                        else "$.settings."
                    assert all(comparison[k].startswith(source) for k in operators)
                    checked += 1
    # Neither the ID document check nor the safety net compares a score with a threshold.
    assert checked > 0 or filename in ("id_document.asl.json", "safety_net.asl.json")


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_every_choice_has_a_default(filename, definition):
    for name, state in states_of(definition):
        if state["Type"] == "Choice":
            assert state.get("Default") in asl.all_states(definition), (filename, name)
            # ...and in the same scope: a branch cannot jump out of its Parallel state.
            assert asl.branch_of(definition).get(state["Default"]) == \
                asl.branch_of(definition).get(name), (filename, name)


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_every_aws_task_retries_transient_errors_and_catches_everything(filename, definition):
    tasks = [(n, s) for n, s in states_of(definition) if s["Type"] == "Task"]
    assert tasks
    all_states = dict(states_of(definition))

    def catches_everything(state: dict) -> bool:
        return "States.ALL" in [error for c in state.get("Catch", [])
                                for error in c["ErrorEquals"]]
    for name, state in tasks:
        assert state["Resource"].startswith("arn:aws:states:::"), (filename, name)
        retry = state.get("Retry", [])
        assert retry, (filename, name)
        for retrier in retry:
            assert "States.ALL" not in retrier["ErrorEquals"], (filename, name)
            assert retrier["BackoffRate"] > 1 and retrier["JitterStrategy"] == "FULL"
        # Inside a Parallel branch, the Parallel state may catch for its branches.
        enclosing = asl.branch_of(definition).get(name)
        assert catches_everything(state) or (
            enclosing and catches_everything(all_states[enclosing[0]])), (filename, name)


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_names_read_as_sentences_and_transitions_resolve(filename, definition):
    for name, state in definition["States"].items():
        assert name[0].isupper() and " " in name, name
        for target in asl.targets(state):
            assert target in definition["States"], (filename, name, target)


@pytest.mark.parametrize("filename", ["id_document.asl.json", "identity_verification.asl.json",
                                      "identity_verification.express.asl.json"])
def test_every_failure_path_records_notifies_once_and_fails(filename):
    definition = asl_file(filename)
    states = definition["States"]
    publishers = [n for n, s in states.items() if s.get("Resource", "").endswith("sns:publish")]
    assert len(publishers) == 1
    describers = [n for n, s in states.items()
                  if s["Type"] == "Pass" and s.get("ResultPath") == "$.failure"]
    assert len(describers) >= 2
    for name in describers:
        path, current = [], name
        while states[current]["Type"] != "Fail":
            current = states[current]["Next"]
            path.append(current)
            assert len(path) < 5
        assert publishers[0] in path, (name, path)
        # A rejected face already indexed is taken out of the collection first.
        recorded = [n for n in path if not states[n].get("Resource", "").endswith(
            "rekognition:deleteFaces")]
        assert recorded[0] == path[len(path) - len(recorded)], (name, path)
        assert states[recorded[0]]["Resource"].endswith("dynamodb:updateItem"), (name, path)


def test_rejection_reasons_are_specific():
    verification = asl_file("identity_verification.asl.json")["States"]
    reasons = {name: state["Parameters"].get("reason", state["Parameters"].get("reason.$"))
               for name, state in verification.items()
               if state["Type"] == "Pass" and state.get("ResultPath") == "$.failure"}
    assert reasons["No face in selfie"] == "no face"
    assert reasons["Sunglasses detected"] == "sunglasses"
    assert reasons["Eyes closed"] == "eyes closed"
    assert "'{} faces'" in reasons["More than one face in selfie"]
    assert "duplicate of face {}" in reasons["Duplicate face"]
    compare = asl_file("identity_compare.asl.json")["States"]
    assert compare["No ID document"]["Parameters"]["reason"] == "no ID document"
    not_similar = compare["Selfie does not match ID photo"]["Parameters"]["reason.$"]
    assert "similarity {} < {}" in not_similar


def test_duplicate_is_decided_on_match_similarity_not_searched_face_confidence():
    definition = asl_file("identity_verification.asl.json")
    states = asl.all_states(definition)
    search = states["Search for duplicate faces"]
    assert search["Parameters"]["FaceMatchThreshold.$"] == "$.settings.duplicate_similarity"
    rules = json.dumps(states["Is the face already registered?"]["Choices"])
    assert "$.checks.search.matches[0].Similarity" in rules
    assert "SearchedFaceConfidence" not in json.dumps(states)


def test_checks_run_at_once_and_a_face_stays_indexed_only_if_it_passed_the_gate():
    definition = asl_file("identity_verification.asl.json")
    states = definition["States"]
    search, compare = states["Search for duplicates and compare with ID document"]["Branches"]
    assert search["StartAt"] == "Search for duplicate faces"
    assert compare["StartAt"] == "Compare selfie with ID document"
    assert states["Does the selfie match the ID document?"]["Choices"][0]["Next"] == \
        "Index face and make thumbnail"
    indexing, thumbnail = states["Index face and make thumbnail"]["Branches"]
    index = indexing["States"]["Index face"]["Parameters"]
    assert (index["ExternalImageId.$"], index["DetectionAttributes"]) == ("$.userid", ["ALL"])
    assert thumbnail["States"]["Make thumbnail"]["Resource"].endswith(":lambda:invoke")
    # The gate reads what IndexFaces saw; each way it turns a selfie down removes the face.
    gate = states["Check face quality"]
    rejections = [rule["Next"] for rule in gate["Choices"]]
    rejections.append(states["How many faces are in the selfie?"]["Choices"][0]["Next"])
    assert gate["Default"] == "Record verification passed"
    for rejection in rejections:
        assert states[rejection]["Next"] == "Remove the rejected face", rejection
    assert states["Remove the rejected face"]["Resource"].endswith("rekognition:deleteFaces")


def test_happy_path_makes_three_rekognition_calls_in_two_rounds():
    """Search and compare at once, then IndexFaces: no DetectFaces in the selfie flow."""
    for filename in ("identity_verification.asl.json", "identity_verification.express.asl.json"):
        resources = [s.get("Resource", "") for s in asl.all_states(asl_file(filename)).values()]
        assert not any(r.endswith("detectFaces") for r in resources), filename
    compare = asl.all_states(asl_file("identity_compare.asl.json"))
    assert [n for n, s in compare.items() if "rekognition" in s.get("Resource", "")] == [
        "Compare selfie with ID photo"]


def test_a_replay_cannot_overwrite_a_newer_photo():
    record = asl_file("identity_verification.asl.json")["States"]["Record verification passed"]
    assert record["Parameters"]["ConditionExpression"] == (
        "attribute_not_exists(photo_uploaded_at) OR photo_uploaded_at <= :photo_uploaded_at")
    values = record["Parameters"]["ExpressionAttributeValues"]
    assert values[":photo_uploaded_at"] == {"S.$": "$.uploaded_at"}
    assert record["Catch"][0] == {"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                                  "ResultPath": "$.error",
                                  "Next": "Remove the face of the older photo"}


def test_standard_variant_waits_for_the_nested_compare_and_express_uses_sync_execution():
    standard = asl.all_states(asl_file("identity_verification.asl.json"))
    express = asl.all_states(asl_file("identity_verification.express.asl.json"))
    assert standard["Compare selfie with ID document"]["Resource"].endswith(
        "states:startExecution.sync:2")
    assert express["Compare selfie with ID document"]["Resource"].endswith(
        "aws-sdk:sfn:startSyncExecution")
    assert not any(".sync" in s.get("Resource", "") for s in express.values())


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
                   "rekognition:DeleteFaces"):
        assert verification[action] == [collection_arn]
    assert allowed("StarterRole")["rekognition:DeleteFaces"] == [collection_arn]


def test_each_workflow_role_reads_only_its_prefixes():
    def objects(prefix):
        return {"Fn::Sub": "${UploadBucket.Arn}/" + prefix + "*"}
    assert allowed("IdDocumentRole")["s3:GetObject"] == [objects("id_document/")]
    assert allowed("IdentityVerificationRole")["s3:GetObject"] == [objects("selfie/")]
    assert allowed("IdentityCompareRole")["s3:GetObject"] == [objects("selfie/"),
                                                             objects("id_document/")]
    assert "s3:GetObject" not in allowed("StarterRole")
    for role in ("RegisterRole", "RegisterIdcardRole", "CompareFacesRole"):
        assert allowed(role)["s3:GetObject"] == [objects("api/")]
    for role in ("AuthenticateRole", "UpdateFaceRole"):
        assert allowed(role)["s3:GetObject"] == [objects("api/"), objects("selfie/")]
    assert allowed("ThumbnailRole")["s3:GetObject"] == [objects("selfie/")]
    assert allowed("ThumbnailRole")["s3:PutObject"] == [objects("thumbnails/")]
    assert "rekognition:DetectFaces" not in allowed("IdentityVerificationRole")
    assert allowed("IdentityVerificationRole")["lambda:InvokeFunction"] == [
        {"Fn::GetAtt": ["ThumbnailFunction", "Arn"]}]


def test_api_routes_are_iam_authorised_service_integrations_without_lambda():
    methods = [r["Properties"] for r in RESOURCES.values()
               if r["Type"] == "AWS::ApiGateway::Method"]
    assert len(methods) == 5
    for method in methods:
        assert (method["HttpMethod"], method["AuthorizationType"]) == ("POST", "AWS_IAM")
        integration = method["Integration"]
        assert integration["Type"] == "AWS"
        assert integration["Uri"]["Fn::Sub"].endswith(":states:action/StartSyncExecution")
        assert integration["PassthroughBehavior"] == "NEVER"
        assert "RequestValidatorId" in method and "application/json" in method["RequestModels"]
    assert allowed("ApiRole") == {"states:StartSyncExecution": [
        {"Ref": f"{name}StateMachine"} for name in
        ("Register", "RegisterIdcard", "Authenticate", "UpdateFace", "CompareFaces")]}
    api_machines = [r["Properties"] for t, r in RESOURCES.items()
                    if r["Type"] == "AWS::StepFunctions::StateMachine"
                    and t.removesuffix("StateMachine") in
                    ("Register", "RegisterIdcard", "Authenticate", "UpdateFace", "CompareFaces")]
    assert [m["StateMachineType"] for m in api_machines] == ["EXPRESS"] * 5
    assert "Access-Control-Allow-Origin" not in json.dumps(TEMPLATE)


def test_nested_sync_execution_permissions():
    policies = RESOURCES["IdentityVerificationRole"]["Properties"]["Policies"]
    (nested,) = [p for p in policies if "Fn::If" in p]
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
            assert properties["KmsMasterKeyId"] == "alias/aws/sns"


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
    for title in STATE_MACHINES:
        properties = RESOURCES[title]["Properties"]
        assert properties["StateMachineType"] == {"Ref": "WorkflowType"}
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


def test_no_workflow_or_function_can_delete_an_upload():
    """Whatever fails, the uploaded pictures stay in the bucket for a retry or a review."""
    for title, resource in RESOURCES.items():
        if resource["Type"] == "AWS::IAM::Role":
            actions = [a for s in role_statements(title) for a in s["Action"]]
            assert not [a for a in actions if a.startswith("s3:Delete")], title
    for definition in DEFINITIONS:
        resources = [s.get("Resource", "") for s in asl.all_states(definition.build()).values()]
        assert not [r for r in resources if ":s3:delete" in r], definition.filename
