"""What one execution uses, read from its history the way AWS bills it.

- Step Functions Standard bills state transitions: every state entered (inside Parallel
  branches too) and every retry of a task.
- Rekognition bills each image an API call processes (DetectFaces, SearchFacesByImage,
  CompareFaces, IndexFaces); DeleteFaces and throttled or refused calls are not billed.
- Lambda bills every invocation, failed or not; SNS every publish; DynamoDB on-demand every
  request (a consistent read of a small item is one read unit, a write one write unit).

Nested executions are counted on their own and added by ``total()``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

BILLED_IMAGE_ACTIONS = {"detectFaces", "searchFacesByImage", "searchFaces", "compareFaces",
                        "indexFaces"}


@dataclass
class Usage:
    transitions: int = 0
    rekognition: int = 0  # billed image calls
    textract: int = 0  # AnalyzeID pages
    lambda_invocations: int = 0
    sns_publishes: int = 0
    dynamodb_reads: int = 0
    dynamodb_writes: int = 0
    executions: int = 1
    children: list[Usage] = field(default_factory=list)

    def total(self) -> Usage:
        """This execution and every nested one, added up."""
        summed = Usage(**{name: getattr(self, name) for name in COUNTS})
        for child in self.children:
            child_total = child.total()
            for name in COUNTS:
                setattr(summed, name, getattr(summed, name) + getattr(child_total, name))
        return summed


COUNTS = ("transitions", "rekognition", "textract", "lambda_invocations", "sns_publishes",
          "dynamodb_reads", "dynamodb_writes", "executions")


def usage(events: list[dict]) -> Usage:
    """The usage of one execution from its history events (children not included)."""
    types = Counter(event["type"] for event in events)
    entered = sum(count for kind, count in types.items() if kind.endswith("StateEntered"))
    scheduled = [event["taskScheduledEventDetails"] for event in events
                 if "taskScheduledEventDetails" in event]
    succeeded = [event["taskSucceededEventDetails"] for event in events
                 if "taskSucceededEventDetails" in event]

    def count(details: list[dict], resource_type: str, resources: set[str] | None = None) -> int:
        return sum(1 for d in details if d["resourceType"] == resource_type
                   and (resources is None or d["resource"] in resources))

    return Usage(
        transitions=entered + len(scheduled) - types["TaskStateEntered"],
        rekognition=count(succeeded, "aws-sdk:rekognition", BILLED_IMAGE_ACTIONS),
        textract=count(succeeded, "aws-sdk:textract"),
        lambda_invocations=count(scheduled, "lambda"),
        sns_publishes=count(succeeded, "sns"),
        dynamodb_reads=count(scheduled, "dynamodb", {"getItem"}),
        dynamodb_writes=count(scheduled, "dynamodb", {"updateItem", "putItem", "deleteItem"}),
    )
