"""The eKYC stack: upload bucket, queues, starter Lambda, table, topic, collection, workflows.

Flow: a user's picture lands in the bucket under ``id_document/`` or ``selfie/``; S3 notifies
that prefix's queue; the starter Lambda reads the queue, records the upload and starts the
matching workflow. Every threshold is a parameter, every name and ARN a user needs an output.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from awacs import awslambda as awslambda_actions
from awacs import dynamodb, events, rekognition, s3, sns, sqs, states, textract, xray
from awacs import logs as log_actions
from awacs.aws import ArnLike, Policy, StringEquals
from troposphere import (
    AccountId,
    Equals,
    GetAtt,
    If,
    Join,
    Not,
    NoValue,
    Output,
    Parameter,
    Ref,
    Select,
    Split,
    StackId,
    Sub,
    Template,
    awslambda,
    logs,
)
from troposphere import (
    apigateway as apigw,
)
from troposphere import dynamodb as ddb
from troposphere import events as eventsr
from troposphere import rekognition as rek
from troposphere import s3 as s3r
from troposphere import sns as snsr
from troposphere import sqs as sqsr
from troposphere import stepfunctions as sfn
from troposphere.iam import Role

from lambdas.inline import inline_source
from statemachines import (
    API_WORKFLOWS,
    api_common,
    id_document,
    identity_compare,
    identity_verification,
    safety_net,
)

from . import api
from .policies import (
    allow,
    allow_unscoped,
    arn,
    deny_insecure_transport,
    policy,
    service_may_send_to_queues,
    service_role,
    state_machine_logging_statement,
    tracing_statement,
)
from .waivers import waive

STARTER_SOURCE = Path(__file__).resolve().parent.parent / "lambdas" / "starter.py"
# Why checkov rules do not apply, for the resources that share them.
SSE_SQS = ("Encrypted at rest with SSE-SQS (SqsManagedSseEnabled); the rule looks only for a "
           "KMS key, and S3 and SNS, which send to these queues, cannot use the AWS-managed "
           "SQS key.")
LOGS_KMS = ("CloudWatch Logs encrypts every log group at rest; a KmsKeyId needs a customer-"
            "managed key and key policy, and these logs hold no execution data "
            "(IncludeExecutionData is off).")
FUNCTION_WAIVERS = {
    "CKV_AWS_116": "Failures do not need a Lambda DLQ here: the starter's SQS messages reach "
                   "their queue's dead-letter queue through its RedrivePolicy, and the "
                   "thumbnail function is invoked synchronously by a workflow that retries and "
                   "catches; a Lambda DLQ only receives failed asynchronous invocations.",
    "CKV_AWS_117": "The functions call AWS APIs only (S3, DynamoDB, Rekognition, Step "
                   "Functions) and reach no private resource; a VPC would add subnets and NAT "
                   "or endpoints for no benefit.",
    "CKV_AWS_115": "Reserved concurrency is carved out of the account's pool (Lambda keeps 100 "
                   "unreserved), so it fails on accounts with a low quota; load is bounded by "
                   "SQS batching, the workflows and the API's throttling.",
}
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")
ID_PREFIX = "id_document/"
SELFIE_PREFIX = "selfie/"
THUMBNAIL_PREFIX = "thumbnails/"
STARTER_TIMEOUT_SECONDS = 30
# AWS recommends a queue visibility timeout of at least six times the function timeout.
QUEUE_VISIBILITY_SECONDS = 6 * STARTER_TIMEOUT_SECONDS
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600
# Longer than the source queues' retention, so a message cannot expire on its way to a DLQ.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600
LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                      1827, 2192, 2557, 2922, 3288, 3653]
EVENTS_RULE_FOR_SYNC = "StepFunctionsGetEventsForStepFunctionsExecutionRule"
DEPLOYMENT_HASH_LENGTH = 12  # hex digits of the API's hash in its deployment's name
THRESHOLDS = [  # parameter, default, maximum, description
    ("FaceConfidenceThreshold", "99", "100",
     "Minimum confidence (%) that the selfie shows a face."),
    ("DuplicateSimilarityThreshold", "95", "100",
     "Similarity (%) from which a registered face counts as the same person."),
    ("CompareSimilarityThreshold", "80", "100",
     "Minimum similarity (%) between the selfie and the ID document photo."),
    ("MaxPoseDegrees", "45", "90",
     "Largest head yaw or pitch (degrees, either way) a selfie may show."),
]


def placeholders(definition: dict) -> set[str]:
    """Names of the ``${Name}`` placeholders in an ASL definition."""
    return set(PLACEHOLDER.findall(repr(definition)))


def definition_string(definition: dict) -> str:
    """A state machine's ``DefinitionString``: the text of its committed ``.asl.json`` file.

    Not ``Definition`` (an object): ``"ResultPath": null`` is how ASL discards a result, and
    CloudFormation refuses any null in a template ("'null' values are not allowed in
    templates": aws/serverless-application-model#1618, aws/aws-cdk#29164). A string may hold
    one, and ``DefinitionSubstitutions`` fill its ``${Name}`` placeholders all the same
    (AWS::StepFunctions::StateMachine, CloudFormation Template Reference). Indented, so the
    definition Step Functions keeps, and shows in its console, reads like the file.
    """
    return json.dumps(definition, indent=2, ensure_ascii=False)


class EkycStack:
    """Builds the template; each ``_add_*`` method adds one part of the stack."""

    def __init__(self) -> None:
        self.t = Template(
            Description="ekyc: face-based identity verification (selfie vs. ID document, "
                        "duplicate search) with Rekognition, Step Functions and DynamoDB.")
        self.t.set_version("2010-09-09")
        self._add_parameters()
        self._add_storage()
        self._add_queues()
        self._add_bucket()
        self._add_thumbnail()
        self._add_state_machines()
        self._add_safety_net()
        self._add_starter()
        self._add_api_workflows()
        self._add_api()
        self._add_outputs()

    # --- parameters ------------------------------------------------------------------------
    def _add_parameters(self) -> None:
        t = self.t
        self.workflow_type = t.add_parameter(Parameter(
            "WorkflowType", Type="String", Default="STANDARD",
            AllowedValues=["STANDARD", "EXPRESS"],
            Description="STANDARD (execution history, nested .sync) or EXPRESS (cheaper at "
                        "volume; the nested compare becomes StartSyncExecution)."))
        self.thresholds = {
            name: t.add_parameter(Parameter(name, Type="Number", Default=default, MinValue="0",
                                            MaxValue=maximum, Description=description))
            for name, default, maximum, description in THRESHOLDS
        }
        self.analyze_id = t.add_parameter(Parameter(
            "AnalyzeIdDocuments", Type="String", Default="true", AllowedValues=["true", "false"],
            Description="Read ID document fields (name, date of birth, number, expiry) with "
                        "Amazon Textract AnalyzeID; turn off where Textract is unavailable."))
        self.thumbnail_code = {
            name: t.add_parameter(Parameter(
                f"ThumbnailCode{name}", Type="String", MinLength="1",
                Description=f"S3 {name.lower()} of the thumbnail function's zip (built and "
                            "uploaded by scripts/deploy.py from scripts/package_lambdas.py)."))
            for name in ("Bucket", "Key")
        }
        self.notification_email = t.add_parameter(Parameter(
            "NotificationEmail", Type="String", Default="",
            AllowedPattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
            Description="Optional e-mail address subscribed to failure notifications."))
        self.log_retention = t.add_parameter(Parameter(
            "LogRetentionDays", Type="Number", Default="30",
            AllowedValues=[str(days) for days in LOG_RETENTION_DAYS],
            Description="Days to keep workflow and Lambda logs."))
        self.max_receive_count = t.add_parameter(Parameter(
            "MaxReceiveCount", Type="Number", Default="3", MinValue="1", MaxValue="1000",
            Description="Deliveries of an upload message before it goes to the dead-letter queue."))
        t.add_condition("IsExpress", Equals(Ref(self.workflow_type), "EXPRESS"))
        t.add_condition("AnalyzesIdDocuments", Equals(Ref(self.analyze_id), "true"))
        t.add_condition("HasNotificationEmail", Not(Equals(Ref(self.notification_email), "")))

    # --- table, collection, topic ----------------------------------------------------------
    def _add_storage(self) -> None:
        t = self.t
        self.table = t.add_resource(ddb.Table(
            "UsersTable",
            AttributeDefinitions=[ddb.AttributeDefinition(AttributeName="userid",
                                                          AttributeType="S")],
            KeySchema=[ddb.KeySchema(AttributeName="userid", KeyType="HASH")],
            BillingMode="PAY_PER_REQUEST",
            SSESpecification=ddb.SSESpecification(SSEEnabled=True),
            Metadata=waive(CKV_AWS_119="Encrypted at rest with the AWS-managed KMS key "
                                       "(SSEEnabled); a customer-managed key would add a key, "
                                       "a key policy and a monthly cost for no access-control "
                                       "need."),
            PointInTimeRecoverySpecification=ddb.PointInTimeRecoverySpecification(
                PointInTimeRecoveryEnabled=True),
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Retain",
        ))
        self.collection = t.add_resource(rek.Collection(
            "FacesCollection",
            CollectionId=Sub("${AWS::StackName}-faces"),
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Retain",
        ))
        self.topic = t.add_resource(snsr.Topic(
            "NotificationTopic",
            DisplayName="eKYC failures",
            # AWS-managed key: Step Functions publishes with its role, no key policy needed.
            KmsMasterKeyId="alias/aws/sns",
        ))
        self.table_arn = GetAtt(self.table, "Arn")
        self.collection_arn = GetAtt(self.collection, "Arn")
        self.topic_arn = Ref(self.topic)

        undelivered = t.add_resource(self._queue(
            "NotificationDeadLetterQueue", retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            waivers={"ES6000": "This queue is itself a dead-letter queue, for the e-mail "
                               "subscription; the rule only recognises DLQs of queues."}))
        t.add_resource(sqsr.QueuePolicy(
            "NotificationDeadLetterQueuePolicy",
            Queues=[Ref(undelivered)],
            PolicyDocument=service_may_send_to_queues(
                "UndeliveredNotifications", "sns.amazonaws.com", [GetAtt(undelivered, "Arn")],
                [ArnLike({"aws:SourceArn": self.topic_arn})]),
        ))
        self.dead_letter_queues = {"Notification": undelivered}
        t.add_resource(snsr.SubscriptionResource(
            "NotificationEmailSubscription",
            Condition="HasNotificationEmail",
            Protocol="email",
            Endpoint=Ref(self.notification_email),
            TopicArn=self.topic_arn,
            RedrivePolicy={"deadLetterTargetArn": GetAtt(undelivered, "Arn")},
        ))

    # --- queues ----------------------------------------------------------------------------
    def _add_queues(self) -> None:
        self.queues: dict[str, sqsr.Queue] = {}
        for name in ("IdDocument", "Selfie"):
            dead_letter = self.t.add_resource(self._queue(
                f"{name}DeadLetterQueue", retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
                waivers={"ES6000": f"This queue is the dead-letter queue of {name}Queue; the "
                                   "rule finds DLQs only when RedrivePolicy is an intrinsic "
                                   "function, not the plain object used here."}))
            queue = self.t.add_resource(self._queue(
                f"{name}Queue",
                retention_seconds=QUEUE_RETENTION_SECONDS,
                VisibilityTimeout=QUEUE_VISIBILITY_SECONDS,
                RedrivePolicy=sqsr.RedrivePolicy(
                    deadLetterTargetArn=GetAtt(dead_letter, "Arn"),
                    maxReceiveCount=Ref(self.max_receive_count),
                ),
            ))
            self.queues[name] = queue
            self.dead_letter_queues[name] = dead_letter

    @staticmethod
    def _queue(title: str, *, retention_seconds: int, waivers: dict | None = None,
               **properties) -> sqsr.Queue:
        return sqsr.Queue(title, SqsManagedSseEnabled=True,
                          MessageRetentionPeriod=retention_seconds,
                          DeletionPolicy="Delete", UpdateReplacePolicy="Delete",
                          Metadata=waive(CKV_AWS_27=SSE_SQS, **(waivers or {})), **properties)

    # --- bucket ----------------------------------------------------------------------------
    def _bucket_name(self) -> Join:
        """``ekyc-<account>-<first block of the stack id>``: known before the bucket exists,
        so the queue policy can name the bucket without a circular dependency."""
        stack_uuid = Select(2, Split("/", StackId))
        return Join("-", ["ekyc", AccountId, Select(0, Split("-", stack_uuid))])

    def _add_bucket(self) -> None:
        t = self.t
        bucket_name = self._bucket_name()
        bucket_arn = Sub("arn:${AWS::Partition}:s3:::${Name}", Name=bucket_name)
        queue_arns = [GetAtt(queue, "Arn") for queue in self.queues.values()]
        queue_policy = t.add_resource(sqsr.QueuePolicy(
            "UploadQueuesPolicy",
            Queues=[Ref(queue) for queue in self.queues.values()],
            PolicyDocument=service_may_send_to_queues(
                "S3UploadNotifications", "s3.amazonaws.com", queue_arns,
                [ArnLike({"aws:SourceArn": bucket_arn}),
                 StringEquals({"aws:SourceAccount": AccountId})]),
        ))
        self.bucket = t.add_resource(s3r.Bucket(
            "UploadBucket",
            DependsOn=[queue_policy.title],
            BucketName=bucket_name,
            Metadata=waive(
                CKV_AWS_18="Server access logs need a second bucket to receive them; access to "
                           "these objects is audited account-wide with CloudTrail data events.",
                CKV_AWS_21="Each user's upload replaces the last on purpose: keeping old "
                           "versions of ID documents and selfies would keep personal data "
                           "longer than the verification needs it."),
            BucketEncryption=s3r.BucketEncryption(ServerSideEncryptionConfiguration=[
                s3r.ServerSideEncryptionRule(
                    ServerSideEncryptionByDefault=s3r.ServerSideEncryptionByDefault(
                        SSEAlgorithm="AES256"))]),
            PublicAccessBlockConfiguration=s3r.PublicAccessBlockConfiguration(
                BlockPublicAcls=True, BlockPublicPolicy=True,
                IgnorePublicAcls=True, RestrictPublicBuckets=True),
            OwnershipControls=s3r.OwnershipControls(
                Rules=[s3r.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]),
            NotificationConfiguration=s3r.NotificationConfiguration(QueueConfigurations=[
                s3r.QueueConfigurations(
                    Event="s3:ObjectCreated:*",
                    Queue=GetAtt(self.queues[name], "Arn"),
                    Filter=s3r.Filter(S3Key=s3r.S3Key(Rules=[
                        s3r.Rules(Name="prefix", Value=prefix)])),
                )
                for name, prefix in (("IdDocument", ID_PREFIX), ("Selfie", SELFIE_PREFIX))
            ]),
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Retain",
        ))
        t.add_resource(s3r.BucketPolicy(
            "UploadBucketPolicy",
            Bucket=Ref(self.bucket),
            PolicyDocument=Policy(Version="2012-10-17", Statement=[deny_insecure_transport(
                s3.Action("*"), [GetAtt(self.bucket, "Arn"), Sub("${UploadBucket.Arn}/*")])]),
        ))

    def _objects(self, prefix: str) -> Sub:
        return Sub(f"${{{self.bucket.title}.Arn}}/{prefix}*")

    # --- thumbnail Lambda ------------------------------------------------------------------
    def _function_log_group(self, title: str, suffix: str) -> logs.LogGroup:
        return self.t.add_resource(logs.LogGroup(
            title,
            LogGroupName=Sub(f"/aws/lambda/${{AWS::StackName}}-{suffix}"),
            RetentionInDays=Ref(self.log_retention),
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Delete",
            Metadata=waive(CKV_AWS_158=LOGS_KMS),
        ))

    def _add_thumbnail(self) -> None:
        """The one Lambda of the workflows: Pillow makes a 250x250 thumbnail of a selfie."""
        t = self.t
        log_group = self._function_log_group("ThumbnailLogGroup", "thumbnail")
        role = t.add_resource(service_role("ThumbnailRole", "lambda", [policy("thumbnail", [
            allow([s3.GetObject], [self._objects(SELFIE_PREFIX)]),
            allow([s3.PutObject], [self._objects(THUMBNAIL_PREFIX)]),
            allow([log_actions.CreateLogStream, log_actions.PutLogEvents],
                  [Sub(f"${{{log_group.title}.Arn}}:*")]),
            allow_unscoped([xray.PutTraceSegments, xray.PutTelemetryRecords]),
        ])]))
        self.thumbnail = t.add_resource(awslambda.Function(
            "ThumbnailFunction",
            FunctionName=Sub("${AWS::StackName}-thumbnail"),
            Description="Makes a thumbnail (at most 250x250) of a selfie under thumbnails/.",
            Runtime="python3.12",
            Handler="thumbnail.handler",
            Architectures=["arm64"],
            # Pillow decodes a JPEG at reduced scale for a thumbnail: 256 MB is plenty, and
            # for CPU-bound work more memory buys speed at the same GB-seconds.
            MemorySize=256,
            Timeout=30,
            Role=GetAtt(role, "Arn"),
            Code=awslambda.Code(S3Bucket=Ref(self.thumbnail_code["Bucket"]),
                                S3Key=Ref(self.thumbnail_code["Key"])),
            LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref(log_group)),
            TracingConfig=awslambda.TracingConfig(Mode="Active"),
            Metadata=waive(WS1004="LoggingConfig sends the logs to ThumbnailLogGroup, which "
                                  "has a retention; the rule only knows log groups named "
                                  "/aws/lambda/<function name>.", **FUNCTION_WAIVERS),
        ))

    # --- state machines --------------------------------------------------------------------
    def _log_group(self, title: str, suffix: str) -> logs.LogGroup:
        return self.t.add_resource(logs.LogGroup(
            title,
            LogGroupName=Sub(f"/aws/vendedlogs/states/${{AWS::StackName}}-{suffix}"),
            RetentionInDays=Ref(self.log_retention),
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Delete",
            Metadata=waive(CKV_AWS_158=LOGS_KMS),
        ))

    def _substitutions(self, definition: dict, extra: dict | None = None) -> dict:
        values = {
            "TableName": Ref(self.table),
            "CollectionId": Ref(self.collection),
            "NotificationTopicArn": self.topic_arn,
            **{name: Ref(parameter) for name, parameter in self.thresholds.items()},
            "AnalyzeIdDocuments": Ref(self.analyze_id),
            **(extra or {}),
        }
        unknown = placeholders(definition) - values.keys()
        if unknown:
            raise KeyError(f"no substitution for placeholders {sorted(unknown)}")
        return {name: values[name] for name in sorted(placeholders(definition))}

    def _state_machine(self, title: str, log_suffix: str, role: Role, definition: dict,
                       substitutions: dict, kind=None,
                       express_definition: dict | None = None) -> sfn.StateMachine:
        """``express_definition``: the variant deployed instead when WorkflowType is EXPRESS."""
        text = definition_string(definition)
        if express_definition is not None:
            text = If("IsExpress", definition_string(express_definition), text)
        log_group = self._log_group(f"{title}LogGroup", log_suffix)
        return self.t.add_resource(sfn.StateMachine(
            title,
            StateMachineType=kind or Ref(self.workflow_type),
            RoleArn=GetAtt(role, "Arn"),
            DefinitionString=text,
            DefinitionSubstitutions=substitutions,
            # Executions carry user ids and object keys: log the path, not the data.
            LoggingConfiguration=sfn.LoggingConfiguration(
                Level="ALL", IncludeExecutionData=False,
                Destinations=[sfn.LogDestination(CloudWatchLogsLogGroup=sfn.CloudWatchLogsLogGroup(
                    LogGroupArn=GetAtt(log_group, "Arn")))]),
            TracingConfiguration=sfn.TracingConfiguration(Enabled=True),
        ))

    @staticmethod
    def _analyze_id_policy() -> If:
        return If("AnalyzesIdDocuments",
                  policy("analyze-id", [allow_unscoped([textract.AnalyzeID])]), NoValue)

    def _workflow_statements(self) -> list:
        return [state_machine_logging_statement(), tracing_statement()]

    def _add_state_machines(self) -> None:
        t = self.t
        id_definition = id_document.build()
        id_role = t.add_resource(service_role("IdDocumentRole", "states", [
            self._analyze_id_policy(), policy("id-document", [
            allow_unscoped([rekognition.DetectFaces]),
            allow([s3.GetObject], [self._objects(ID_PREFIX)]),
            allow([dynamodb.UpdateItem], [self.table_arn]),
            allow([sns.Publish], [self.topic_arn]),
            *self._workflow_statements(),
        ])]))
        self.id_state_machine = self._state_machine(
            "IdDocumentStateMachine", "id-document", id_role, id_definition,
            self._substitutions(id_definition))

        compare_definition = identity_compare.build()
        compare_role = t.add_resource(service_role(
            "IdentityCompareRole", "states", [policy("identity-compare", [
                allow_unscoped([rekognition.CompareFaces]),
                allow([s3.GetObject], [self._objects(SELFIE_PREFIX), self._objects(ID_PREFIX)]),
                allow([dynamodb.GetItem, dynamodb.UpdateItem], [self.table_arn]),
                *self._workflow_statements(),
            ])]))
        self.compare_state_machine = self._state_machine(
            "IdentityCompareStateMachine", "identity-compare", compare_role, compare_definition,
            self._substitutions(compare_definition))

        compare_arn = Ref(self.compare_state_machine)
        nested_standard = policy("nested-compare-standard", [
            allow([states.StartExecution], [compare_arn]),
            allow([states.DescribeExecution, states.StopExecution],
                  [Sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
                       "execution:${Name}:*", Name=GetAtt(self.compare_state_machine, "Name"))]),
            allow([events.PutTargets, events.PutRule, events.DescribeRule],
                  [arn("events", f"rule/{EVENTS_RULE_FOR_SYNC}")]),
        ])
        nested_express = policy("nested-compare-express", [
            allow([states.StartSyncExecution], [compare_arn]),
        ])
        verification_role = t.add_resource(service_role(
            "IdentityVerificationRole", "states", [
                policy("identity-verification", [
                    allow([rekognition.SearchFacesByImage, rekognition.IndexFaces,
                           rekognition.DeleteFaces], [self.collection_arn]),
                    allow([s3.GetObject], [self._objects(SELFIE_PREFIX)]),
                    allow([awslambda_actions.InvokeFunction], [GetAtt(self.thumbnail, "Arn")]),
                    allow([dynamodb.UpdateItem], [self.table_arn]),
                    allow([sns.Publish], [self.topic_arn]),
                    *self._workflow_statements(),
                ]),
                If("IsExpress", nested_express, nested_standard),
            ]))
        standard = identity_verification.build()
        express = identity_verification.build(express=True)
        compare_substitution = {"IdentityCompareStateMachineArn": compare_arn,
                                "ThumbnailFunctionArn": GetAtt(self.thumbnail, "Arn")}
        substitutions = self._substitutions(standard, compare_substitution)
        if substitutions.keys() != self._substitutions(express, compare_substitution).keys():
            raise ValueError("the Standard and Express variants must use the same placeholders")
        self.verification_state_machine = self._state_machine(
            "IdentityVerificationStateMachine", "identity-verification", verification_role,
            standard, substitutions, express_definition=express)

    # --- safety net ----------------------------------------------------------------------
    def _add_safety_net(self) -> None:
        """An upload execution that ends FAILED, TIMED_OUT or ABORTED sends Step Functions'
        "Execution Status Change" event to the account's default event bus; this rule starts
        the safety net workflow with it, which records error on the user's item if it is still
        processing that upload (statemachines/safety_net.py).

        Only Standard executions send these events ("EventBridge (CloudWatch Events) for Step
        Functions execution status changes" and "Automating Step Functions event delivery with
        EventBridge", Step Functions Developer Guide). With WorkflowType=EXPRESS the upload
        workflows are Express, started by the starter without waiting, so the rule never fires
        and nothing covers an uncatchable failure there: it shows in the workflow's log group
        (ExecutionFailed, ExecutionTimedOut) and its ExecutionsFailed metric, and the item
        stays processing.
        """
        t = self.t
        definition = safety_net.build()
        role = t.add_resource(service_role("SafetyNetRole", "states", [policy("safety-net", [
            allow([dynamodb.UpdateItem], [self.table_arn]),
            allow([sns.Publish], [self.topic_arn]),
            *self._workflow_statements(),
        ])]))
        uploads = {"IdDocumentStateMachineArn": Ref(self.id_state_machine),
                   "IdentityVerificationStateMachineArn": Ref(self.verification_state_machine)}
        # Standard whatever WorkflowType says: it runs rarely, and its history is the record.
        machine = self._state_machine("SafetyNetStateMachine", "safety-net", role, definition,
                                      self._substitutions(definition, uploads),
                                      kind="STANDARD")
        # EventBridge sends aws:SourceAccount and aws:SourceArn (the rule) when it assumes a
        # target's role ("Using IAM policy conditions in Amazon EventBridge"): the guard holds.
        rule_role = t.add_resource(service_role("SafetyNetRuleRole", "events", [
            policy("start-safety-net", [allow([states.StartExecution], [Ref(machine)])])]))
        # Events EventBridge cannot deliver (after its retries: 24 hours, 185 attempts by
        # default) land here rather than being dropped ("Event retry policy and using
        # dead-letter queues", EventBridge User Guide).
        undelivered = t.add_resource(self._queue(
            "SafetyNetDeadLetterQueue", retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            waivers={"ES6000": "This queue is itself a dead-letter queue, of the safety net "
                               "rule's target; the rule only recognises DLQs of queues."}))
        rule = t.add_resource(eventsr.Rule(
            "SafetyNetRule",
            Description="Upload executions that ended FAILED, TIMED_OUT or ABORTED: start the "
                        "safety net, which records error if the item is still processing.",
            EventPattern={
                "source": ["aws.states"],
                "detail-type": [safety_net.EXECUTION_STATUS_CHANGE],
                "detail": {"status": list(safety_net.ENDINGS),
                           "stateMachineArn": list(uploads.values())},
            },
            State="ENABLED",
            Targets=[eventsr.Target(
                Id="SafetyNet", Arn=Ref(machine), RoleArn=GetAtt(rule_role, "Arn"),
                DeadLetterConfig=eventsr.DeadLetterConfig(Arn=GetAtt(undelivered, "Arn")))],
        ))
        t.add_resource(sqsr.QueuePolicy(
            "SafetyNetDeadLetterQueuePolicy",
            Queues=[Ref(undelivered)],
            PolicyDocument=service_may_send_to_queues(
                "UndeliveredFailureEvents", "events.amazonaws.com",
                [GetAtt(undelivered, "Arn")], [ArnLike({"aws:SourceArn": GetAtt(rule, "Arn")})]),
        ))
        self.dead_letter_queues["SafetyNet"] = undelivered
        t.add_output(Output("SafetyNetStateMachineArn", Value=Ref(machine),
                            Description="Safety net: records error for an upload execution "
                                        "that ended without recording its outcome"))

    # --- starter Lambda --------------------------------------------------------------------
    def _add_starter(self) -> None:
        t = self.t
        log_group = self._function_log_group("StarterLogGroup", "starter")
        queue_arns = [GetAtt(queue, "Arn") for queue in self.queues.values()]
        role = t.add_resource(service_role("StarterRole", "lambda", [policy("starter", [
            allow([sqs.ReceiveMessage, sqs.DeleteMessage, sqs.GetQueueAttributes,
                   sqs.ChangeMessageVisibility], queue_arns),
            allow([dynamodb.GetItem, dynamodb.UpdateItem], [self.table_arn]),
            allow([rekognition.DeleteFaces], [self.collection_arn]),
            allow([states.StartExecution], [Ref(self.id_state_machine),
                                            Ref(self.verification_state_machine)]),
            allow([log_actions.CreateLogStream, log_actions.PutLogEvents],
                  [Sub(f"${{{log_group.title}.Arn}}:*")]),
            allow_unscoped([xray.PutTraceSegments, xray.PutTelemetryRecords]),
        ])]))
        self.starter = t.add_resource(awslambda.Function(
            "StarterFunction",
            FunctionName=Sub("${AWS::StackName}-starter"),
            Description="Reads S3 upload events from SQS, records the upload and starts the "
                        "matching eKYC workflow.",
            Runtime="python3.12",
            Handler="index.handler",
            Architectures=["arm64"],
            MemorySize=256,
            Timeout=STARTER_TIMEOUT_SECONDS,
            Role=GetAtt(role, "Arn"),
            Code=awslambda.Code(ZipFile=inline_source(STARTER_SOURCE)),
            Environment=awslambda.Environment(Variables={
                "TABLE_NAME": Ref(self.table),
                "COLLECTION_ID": Ref(self.collection),
                "ID_DOCUMENT_STATE_MACHINE_ARN": Ref(self.id_state_machine),
                "IDENTITY_VERIFICATION_STATE_MACHINE_ARN": Ref(self.verification_state_machine),
            }),
            LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref(log_group)),
            TracingConfig=awslambda.TracingConfig(Mode="Active"),
            Metadata=waive(**FUNCTION_WAIVERS,
                           CKV_AWS_173="The variables hold resource names and ARNs, no "
                                       "secrets; Lambda encrypts them at rest with its "
                                       "AWS-managed key.",
                           WS1004="LoggingConfig sends the logs to StarterLogGroup, which has a "
                                  "retention; the rule only knows log groups named "
                                  "/aws/lambda/<function name>."),
        ))
        for name, queue in self.queues.items():
            t.add_resource(awslambda.EventSourceMapping(
                f"{name}QueueToStarter",
                EventSourceArn=GetAtt(queue, "Arn"),
                FunctionName=Ref(self.starter),
                BatchSize=10,
                FunctionResponseTypes=["ReportBatchItemFailures"],
                Metadata=waive(ES1001="An SQS event source takes no on-failure destination; "
                                      "failed messages reach the queue's dead-letter queue "
                                      "through its RedrivePolicy."),
            ))

    # --- synchronous API ---------------------------------------------------------------------
    def _api_statements(self, workflow: str) -> list:
        """What each API workflow may do, and nothing more."""
        api_images = self._objects(api.API_OBJECT_PREFIX)
        search = [rekognition.SearchFacesByImage]
        register = [rekognition.SearchFacesByImage, rekognition.IndexFaces,
                    rekognition.DeleteFaces]
        needs = {
            "register": ([rekognition.DetectFaces], register, [api_images],
                         [dynamodb.GetItem, dynamodb.UpdateItem]),
            "register_idcard": ([rekognition.DetectFaces, rekognition.CompareFaces], register,
                                [api_images], [dynamodb.GetItem, dynamodb.UpdateItem]),
            "authenticate": ([rekognition.DetectFaces, rekognition.CompareFaces], search,
                             [api_images, self._objects(SELFIE_PREFIX)], [dynamodb.GetItem]),
            "update_face": ([rekognition.DetectFaces, rekognition.CompareFaces], register,
                            [api_images, self._objects(SELFIE_PREFIX)],
                            [dynamodb.GetItem, dynamodb.UpdateItem]),
            "compare_faces": ([rekognition.CompareFaces], [], [api_images], []),
        }
        unscoped, on_collection, objects, on_table = needs[workflow]
        statements = [allow_unscoped(unscoped), allow([s3.GetObject], objects)]
        if on_collection:
            statements.append(allow(on_collection, [self.collection_arn]))
        if on_table:
            statements.append(allow(on_table, [self.table_arn]))
        return statements + self._workflow_statements()

    def _add_api_workflows(self) -> None:
        """The API's Express workflows, one per route."""
        self.api_state_machines: dict[str, sfn.StateMachine] = {}
        for route, module in API_WORKFLOWS.items():
            title = "".join(part.title() for part in module.NAME.split("_"))
            suffix = module.NAME.replace("_", "-")
            policies = [policy(f"api-{suffix}", self._api_statements(module.NAME))]
            if module.NAME == "register_idcard":
                policies.insert(0, self._analyze_id_policy())
            role = self.t.add_resource(service_role(f"{title}Role", "states", policies))
            definition = module.build()
            self.api_state_machines[route] = self._state_machine(
                f"{title}StateMachine", f"api-{suffix}", role, definition,
                self._substitutions(definition), kind="EXPRESS")

    def _add_api(self) -> None:
        t = self.t
        self.api = t.add_resource(apigw.RestApi(
            "EkycApi",
            Name=Sub("${AWS::StackName}-api"),
            Description="eKYC synchronous API: register, register-idcard, auth, update, "
                        "compare. IAM-authorised (SigV4); no CORS.",
            EndpointConfiguration=apigw.EndpointConfiguration(Types=["REGIONAL"]),
            MinimumCompressionSize=1024,
        ))
        # No aws:SourceAccount condition: API Gateway does not send it (policies.py says why).
        role = t.add_resource(service_role("ApiRole", "apigateway", [policy("api", [
            allow([states.StartSyncExecution],
                  [Ref(machine) for machine in self.api_state_machines.values()]),
        ])]))
        validator = t.add_resource(apigw.RequestValidator(
            "ApiBodyValidator", RestApiId=Ref(self.api), ValidateRequestBody=True,
            ValidateRequestParameters=False, Name="body"))
        for route, machine in self.api_state_machines.items():
            model_name, schema = api.MODELS[route]
            model = t.add_resource(apigw.Model(
                model_name, RestApiId=Ref(self.api), Name=model_name,
                ContentType="application/json", Schema=schema))
            resource = t.add_resource(apigw.Resource(
                f"{model_name.removesuffix('Request')}Resource", RestApiId=Ref(self.api),
                ParentId=GetAtt(self.api, "RootResourceId"), PathPart=route.lstrip("/")))
            t.add_resource(apigw.Method(
                f"{model_name.removesuffix('Request')}Method",
                RestApiId=Ref(self.api),
                ResourceId=Ref(resource),
                HttpMethod="POST",
                AuthorizationType="AWS_IAM",
                RequestValidatorId=Ref(validator),
                RequestModels={"application/json": Ref(model)},
                Integration=apigw.Integration(
                    Type="AWS",
                    IntegrationHttpMethod="POST",
                    Uri=Sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:states:"
                            "action/StartSyncExecution"),
                    Credentials=GetAtt(role, "Arn"),
                    PassthroughBehavior="NEVER",
                    RequestTemplates={"application/json": Sub(
                        api.request_template("${Arn}"), Arn=Ref(machine))},
                    IntegrationResponses=[
                        apigw.IntegrationResponse(
                            StatusCode="200",
                            ResponseTemplates={"application/json": api.response_template()}),
                        # StartSyncExecution itself refused (throttled, input too large...).
                        apigw.IntegrationResponse(
                            StatusCode=str(api_common.DEFAULT_ERROR_STATUS),
                            SelectionPattern="[45]\\d{2}",
                            ResponseTemplates={"application/json": json.dumps({
                                "status": "ServiceError",
                                "reason": "$util.escapeJavaScript($input.path('$.message'))",
                            })}),
                    ],
                ),
                MethodResponses=[apigw.MethodResponse(StatusCode=str(status))
                                 for status in api.HTTP_STATUSES],
            ))
        for response_type, (status, body) in api.gateway_responses().items():
            t.add_resource(apigw.GatewayResponse(
                "".join(word.title() for word in response_type.split("_")) + "Response",
                RestApiId=Ref(self.api), ResponseType=response_type, StatusCode=str(status),
                ResponseTemplates={"application/json": body}))
        deployment = t.add_resource(self._api_deployment())
        self.api_stage = t.add_resource(apigw.Stage(
            "ApiStage", RestApiId=Ref(self.api), DeploymentId=Ref(deployment), StageName="v1",
            TracingEnabled=True,
            Metadata=waive(**dict.fromkeys(("ES2000", "CKV_AWS_76"),
                                           "Access logging needs the account-wide API Gateway "
                                           "CloudWatch role (AWS::ApiGateway::Account), which "
                                           "one stack should not change; requests are traced "
                                           "with X-Ray and every execution is logged by its "
                                           "state machine."),
                           CKV_AWS_120="Every method is an IAM-authorised POST that starts a "
                                       "workflow for its caller; a cached answer would be "
                                       "wrong, and a cache cluster is billed by the hour."),
            MethodSettings=[apigw.MethodSetting(
                HttpMethod="*", ResourcePath="/*", ThrottlingBurstLimit=50,
                ThrottlingRateLimit=25)],
        ))

    def _api_deployment(self) -> apigw.Deployment:
        """A deployment named after a hash of everything of the API, so that any change to a
        method, integration, mapping template, model or gateway response makes a new one,
        which the stage then serves. A deployment is a snapshot: an update to those needs a
        redeployment to reach the stage ("Updates to REST APIs that require redeployment",
        API Gateway Developer Guide), and CloudFormation leaves a resource whose properties
        did not change alone. ARNs resolved at deploy time are not in the hash; they change
        only with the template (no resource of the API is named)."""
        pieces = {title: resource.to_dict() for title, resource in self.t.resources.items()
                  if resource is self.api
                  or resource.properties.get("RestApiId") == Ref(self.api)}
        digest = hashlib.sha256(json.dumps(pieces, sort_keys=True).encode()).hexdigest()
        served = [title for title, resource in pieces.items()
                  if resource["Type"] in ("AWS::ApiGateway::Method",
                                          "AWS::ApiGateway::GatewayResponse")]
        return apigw.Deployment(f"ApiDeployment{digest[:DEPLOYMENT_HASH_LENGTH].upper()}",
                                RestApiId=Ref(self.api), DependsOn=served)

    # --- outputs ---------------------------------------------------------------------------
    def _add_outputs(self) -> None:
        outputs = {
            "BucketName": (Ref(self.bucket), "Upload bucket: put ID documents under "
                           f"{ID_PREFIX} and selfies under {SELFIE_PREFIX} as <userid>.jpg"),
            "TableName": (Ref(self.table), "DynamoDB table with one item per user"),
            "CollectionId": (Ref(self.collection), "Rekognition collection of registered faces"),
            "NotificationTopicArn": (self.topic_arn, "SNS topic for failure notifications"),
            "IdDocumentStateMachineArn": (Ref(self.id_state_machine), "ID document workflow"),
            "IdentityVerificationStateMachineArn": (Ref(self.verification_state_machine),
                                                    "Identity verification (selfie) workflow"),
            "IdentityCompareStateMachineArn": (Ref(self.compare_state_machine),
                                               "Nested selfie-vs-ID compare workflow"),
            "StarterFunctionName": (Ref(self.starter), "Starter Lambda"),
            "ApiUrl": (Sub("https://${EkycApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
                           "${ApiStage}"), "Synchronous API (IAM-signed requests)"),
            "ApiObjectPrefix": (api.API_OBJECT_PREFIX, "Bucket prefix for images the API "
                                "reads as S3 objects"),
        }
        for route, machine in self.api_state_machines.items():
            outputs[api.state_machine_output(route)] = (Ref(machine),
                                                        f"Workflow behind POST {route}")
        for name, queue in self.queues.items():
            outputs[f"{name}QueueUrl"] = (Ref(queue), f"Queue of {name} upload events")
        for name, queue in self.dead_letter_queues.items():
            outputs[f"{name}DeadLetterQueueUrl"] = (
                Ref(queue), f"Dead-letter queue: {name} messages that could not be delivered")
        for name, (value, description) in outputs.items():
            self.t.add_output(Output(name, Value=value, Description=description))


def build() -> Template:
    return EkycStack().t
