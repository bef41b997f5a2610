"""What the parts of the template share while it is built: the troposphere ``Template`` and
the parameters and resources each part adds for the parts after it."""

from __future__ import annotations

from troposphere import GetAtt, Parameter, Ref, Sub, Template, logs
from troposphere import apigateway as apigw
from troposphere import awslambda as awslambda_resources
from troposphere import dynamodb as ddb
from troposphere import rekognition as rek
from troposphere import s3 as s3r
from troposphere import sns as snsr
from troposphere import sqs as sqsr
from troposphere import stepfunctions as sfn

from .waivers import waive

LOGS_KMS = ("CloudWatch Logs encrypts every log group at rest; a KmsKeyId needs a customer-"
            "managed key and key policy, and these logs hold no execution data "
            "(IncludeExecutionData is off).")


class Stack:
    """The template being built, and what its parts have added so far."""

    # parameters.py
    workflow_type: Parameter
    thresholds: dict[str, Parameter]
    analyze_id: Parameter
    compare_mode: Parameter
    thumbnail_code: dict[str, Parameter]
    notification_email: Parameter
    log_retention: Parameter
    max_receive_count: Parameter
    # retention.py
    image_retention: Parameter
    abandoned_records: Parameter
    # operations_topic.py
    operations_email: Parameter
    operations_topic: snsr.Topic
    # storage.py
    table: ddb.Table
    collection: rek.Collection
    topic: snsr.Topic
    # uploads.py
    queues: dict[str, sqsr.Queue]  # by upload, e.g. "IdDocument"
    bucket: s3r.Bucket
    # functions.py
    thumbnail: awslambda_resources.Function
    starter: awslambda_resources.Function
    # rest_api.py
    api: apigw.RestApi
    api_stage: apigw.Stage

    def __init__(self, template: Template) -> None:
        self.t = template
        self.dead_letter_queues: dict[str, sqsr.Queue] = {}  # by what they keep
        self.state_machines: dict[str, sfn.StateMachine] = {}  # by workflow name

    @property
    def table_arn(self) -> GetAtt:
        return GetAtt(self.table, "Arn")

    @property
    def collection_arn(self) -> GetAtt:
        return GetAtt(self.collection, "Arn")

    @property
    def topic_arn(self) -> Ref:
        return Ref(self.topic)

    def objects(self, prefix: str) -> Sub:
        """The ARN of every object under ``prefix`` in the upload bucket."""
        return Sub(f"${{{self.bucket.title}.Arn}}/{prefix}*")

    def log_group(self, title: str, name: Sub) -> logs.LogGroup:
        return self.t.add_resource(logs.LogGroup(
            title,
            LogGroupName=name,
            RetentionInDays=Ref(self.log_retention),
            DeletionPolicy="Delete",
            UpdateReplacePolicy="Delete",
            Metadata=waive(CKV_AWS_158=LOGS_KMS),
        ))
