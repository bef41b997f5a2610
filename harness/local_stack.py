"""The generated template deployed onto the embedded engine as `make deploy` would deploy it;
the demo, the tests and the benchmarks deploy through here."""

from __future__ import annotations

from deploy.stack import DEFAULT_TEMPLATE, Stack

# The template's defaults, as `make deploy` has them: the engine serves Textract's AnalyzeID
# itself (engine/textract), so the ID documents' fields are read here too.
LOCAL_PARAMETERS: dict[str, str] = {}
# moto's CloudFormation skips the resource types it does not model, saying so twice for each:
# on its "moto" logger and as a UserWarning. These are the template's, expected (the local API
# front stands in for API Gateway's; the bucket policy, the alarms and the operations topic's
# policy are not applied locally, docs/local-engine.md): the demo and the tests hide the notes
# on them, and any other type still shows.
SKIPPED_TYPES = r"AWS::(S3::BucketPolicy|SNS::TopicPolicy|CloudWatch::Alarm|ApiGateway::\w+)"


def deploy_locally(session, name: str, *, parameters: dict[str, str] | None = None,
                   out=lambda _: None, poll_seconds: float = 0.02) -> Stack:
    """Deploy the generated template onto the embedded engine (``AWS_ENDPOINT_URL``) as
    ``make deploy`` would, the thumbnail function without Pillow (the engine has its own);
    ``parameters`` override ``LOCAL_PARAMETERS`` and the template's defaults."""
    stack = Stack(session, name, out=out, poll_seconds=poll_seconds)
    stack.deploy(DEFAULT_TEMPLATE.read_text(), {**LOCAL_PARAMETERS, **(parameters or {}),
                                                **stack.thumbnail_code(with_pillow=False)})
    return stack


def listen(session, topic_arn: str, queue_name: str) -> str:
    """A new SQS queue subscribed to ``topic_arn`` with raw delivery, so each notification
    arrives as the JSON the workflow published; its URL."""
    sqs = session.client("sqs")
    queue = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    session.client("sns").subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn,
                                    Attributes={"RawMessageDelivery": "true"})
    return queue
