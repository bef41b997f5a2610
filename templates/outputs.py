"""The stack's outputs: every name and ARN a user, the client or the demo needs."""

from __future__ import annotations

from troposphere import Output, Ref, Sub

from contract.keys import ID_DOCUMENT_PREFIX, SELFIE_PREFIX
from statemachines import registry

from . import api
from .stack import Stack


def add_outputs(stack: Stack) -> None:
    outputs = {
        "BucketName": (Ref(stack.bucket), "Upload bucket: put ID documents under "
                       f"{ID_DOCUMENT_PREFIX} and selfies under {SELFIE_PREFIX} as "
                       "<userid>.jpg"),
        "TableName": (Ref(stack.table), "DynamoDB table with one item per user"),
        "CollectionId": (Ref(stack.collection), "Rekognition collection of registered faces"),
        "NotificationTopicArn": (stack.topic_arn, "SNS topic for failure notifications"),
        "OperationsTopicArn": (Ref(stack.operations_topic), "SNS topic for the operations "
                               "alarms (docs/operations.md)"),
        **{workflow.arn_placeholder: (Ref(stack.state_machines[workflow.name]), workflow.output)
           for workflow in registry.WORKFLOWS if workflow.output},
        "StarterFunctionName": (Ref(stack.starter), "Starter Lambda"),
        "ApiUrl": (Sub("https://${EkycApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
                       "${ApiStage}"), "Synchronous API (IAM-signed requests)"),
        "ApiObjectPrefix": (api.API_OBJECT_PREFIX, "Bucket prefix for images the API "
                            "reads as S3 objects, each in a folder named after its user id"),
    }
    for workflow in registry.api_workflows():
        outputs[api.state_machine_output(workflow.route)] = (
            Ref(stack.state_machines[workflow.name]),
            f"Workflow behind {workflow.method} {workflow.route}")
    for name, queue in stack.queues.items():
        outputs[f"{name}QueueUrl"] = (Ref(queue), f"Queue of {name} upload events")
    for name, queue in stack.dead_letter_queues.items():
        outputs[f"{name}DeadLetterQueueUrl"] = (
            Ref(queue), f"Dead-letter queue: {name} messages that could not be delivered")
    for name, (value, description) in outputs.items():
        stack.t.add_output(Output(name, Value=value, Description=description))
