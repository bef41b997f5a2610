"""`make demo`: the whole eKYC chain on the embedded engine, on real pictures, no AWS account.

Starts the embedded engine with the local face service, deploys the generated template through
the same code as `make deploy`, then plays a short story through the upload bucket and prints
what became of each upload: S3 -> SQS -> starter Lambda -> workflows -> DynamoDB and SNS.
Pictures come from scikit-image and matplotlib (astronaut Eileen Collins, Grace Hopper, a coffee
cup) and are derived from them at run time.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import boto3

from client.api import ApiClient
from client.uploads import Client
from contract import environment
from deploy.stack import DEFAULT_TEMPLATE
from engine.api_front import LocalApi
from engine.lambda_runtime import LOGS
from engine.server import LocalEngine
from harness.local_stack import deploy_locally
from harness.pictures import images
from harness.story import (
    API_STORY,
    STORY,
    api_table,
    dead_letters,
    id_fields_table,
    play,
    play_api,
    table,
)

STACK = "ekyc-demo"


def main() -> int:
    for name, value in {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                        environment.VISIBILITY_TIME_SCALE: "0.01"}.items():
        os.environ.setdefault(name, value)

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, \
            LocalEngine(faces_db=str(Path(folder) / "faces.sqlite")) as engine:
        os.environ["AWS_ENDPOINT_URL"] = engine.endpoint_url
        print(f"embedded engine at {engine.endpoint_url}; deploying {DEFAULT_TEMPLATE.name}")
        session = boto3.session.Session()
        deploy_locally(session, STACK, out=print, poll_seconds=0.05)
        client = Client(session, STACK, out=lambda _: None)
        sqs = session.client("sqs")
        notifications = sqs.create_queue(QueueName="ekyc-demo-notifications")["QueueUrl"]
        session.client("sns").subscribe(
            TopicArn=client.outputs["NotificationTopicArn"], Protocol="sqs",
            Endpoint=sqs.get_queue_attributes(QueueUrl=notifications, AttributeNames=[
                "QueueArn"])["Attributes"]["QueueArn"],
            Attributes={"RawMessageDelivery": "true"})
        print("\nthe story:")
        for step in STORY:
            print(f"  {step.user:<8} {step.story}")
        outcomes = play(client, images(), Path(folder))
        print("\n" + table(outcomes))
        print("\nthe ID documents' fields, read by Textract AnalyzeID (the engine's local one):")
        print(id_fields_table(outcomes))
        for outcome in outcomes:
            if outcome.path:
                print(f"\n{outcome.step.user} / {outcome.step.kind}: {' -> '.join(outcome.path)}")
        messages = [json.loads(m["Body"]) for m in sqs.receive_message(
            QueueUrl=notifications, MaxNumberOfMessages=10).get("Messages", [])]
        print(f"\nSNS failure notifications: {len(messages)}")
        for message in messages:
            print(f"  {message['userid']:<8} {message['status']:<6} {message['reason']}")
        dead = dead_letters(sqs, client.outputs["SelfieDeadLetterQueueUrl"])
        print(f"\nselfie dead-letter queue: {len(dead)} message(s) the starter could not "
              "process, kept intact:")
        for body in dead:
            print(f"  {body['Records'][0]['s3']['object']['key']}")
        refusals = {line for _, line in LOGS if '"ERROR"' in line}
        for line in sorted(refusals):
            print(f"  starter: {json.loads(line)['error']}")

        print("\nthe synchronous API (served by the local front, as API Gateway would):")
        with LocalApi.for_stack(client.outputs, endpoint_url=engine.endpoint_url,
                                session=session) as front:
            api = ApiClient(session, front.url, client.outputs["BucketName"])
            for step in API_STORY:
                print(f"  POST {step.route:<17} {step.story}")
            print("\n" + api_table(play_api(api, images())))
    print(f"\ndone in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
