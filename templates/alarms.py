"""CloudWatch alarms on what an operator must act on, each notifying the operations topic: a
message in any dead-letter queue, an upload workflow's execution that failed, timed out or was
aborted, the starter's errors, the API's server errors and p99 latency, and Rekognition
throttling. Their thresholds are parameters; docs/operations.md is the runbook.

Metrics, namespaces and dimensions as AWS documents them: "Available CloudWatch metrics for
Amazon SQS" (AWS/SQS, QueueName), "Monitoring Step Functions metrics using Amazon CloudWatch"
(AWS/States, StateMachineArn), "Types of metrics for Lambda functions" (AWS/Lambda,
FunctionName), "Amazon API Gateway dimensions and metrics" (AWS/ApiGateway, ApiName and
Stage), "Monitoring Rekognition with Amazon CloudWatch" (AWS/Rekognition: one dimension,
Operation; without it, a metric covers every Rekognition operation of the account).
tests/test_template_alarms.py checks each alarm against those lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import GetAtt, Parameter, Ref
from troposphere import cloudwatch as cw

from statemachines import registry

from .operations_topic import alarm_name
from .stack import Stack

PERIOD_SECONDS = 300


@dataclass(frozen=True)
class Watch:
    """One kind of alarm: the metric it watches, how, and the parameter holding its
    threshold (None: any datapoint above zero fires it)."""

    runbook: str  # the heading of its runbook section in docs/operations.md
    namespace: str
    metric: str
    statistic: str
    parameter: str | None = None
    default: str = "0"
    description: str = ""
    evaluation_periods: int = 1


DEAD_LETTERS = Watch("Messages in a dead-letter queue", "AWS/SQS",
                     "ApproximateNumberOfMessagesVisible", "Maximum")
# Every rejection and every caught error ends its execution FAILED too (docs/architecture.md,
# "Failures"): failed executions alarm above a volume, timeouts and aborts at the first one.
WORKFLOW_FAILURES = Watch("Upload executions that failed", "AWS/States", "ExecutionsFailed",
                          "Sum", "WorkflowFailuresThreshold", "20",
                          "Failed executions of an upload workflow in five minutes above which "
                          "its alarm fires; rejections count too, so set it above the usual "
                          "number of rejected uploads.")
WORKFLOW_ENDINGS = (
    WORKFLOW_FAILURES,
    *(Watch("Upload executions that timed out or were aborted", "AWS/States", metric, "Sum")
      for metric in ("ExecutionsTimedOut", "ExecutionsAborted")),
)
STARTER_ERRORS = Watch("Starter errors", "AWS/Lambda", "Errors", "Sum",
                       "StarterErrorsThreshold", "0",
                       "Starter invocations that failed in five minutes above which its alarm "
                       "fires.")
API_SERVER_ERRORS = Watch("API server errors", "AWS/ApiGateway", "5XXError", "Sum",
                          "ApiServerErrorsThreshold", "0",
                          "API answers with a 5xx status in five minutes above which its "
                          "alarm fires.")
API_LATENCY = Watch("API latency", "AWS/ApiGateway", "Latency", "p99",
                    "ApiLatencyP99Milliseconds", "10000",
                    "p99 latency (ms) of the API over five minutes above which, three periods "
                    "in a row, its alarm fires.", evaluation_periods=3)
REKOGNITION_THROTTLES = Watch("Rekognition throttling", "AWS/Rekognition", "ThrottledCount",
                              "Sum", "RekognitionThrottlesThreshold", "10",
                              "Throttled Rekognition requests of the account in five minutes "
                              "above which its alarm fires (the workflows retry them).")
WATCHES = (DEAD_LETTERS, *WORKFLOW_ENDINGS, STARTER_ERRORS, API_SERVER_ERRORS, API_LATENCY,
           REKOGNITION_THROTTLES)


def _alarm(stack: Stack, title: str, watch: Watch, description: str, dimensions: dict,
           thresholds: dict) -> cw.Alarm:
    statistic = ({"ExtendedStatistic": watch.statistic} if watch.statistic.startswith("p")
                 else {"Statistic": watch.statistic})
    topic = [Ref(stack.operations_topic)]
    return stack.t.add_resource(cw.Alarm(
        title,
        AlarmName=alarm_name(title),
        AlarmDescription=f"{description} Runbook: docs/operations.md, \"{watch.runbook}\".",
        Namespace=watch.namespace,
        MetricName=watch.metric,
        Dimensions=[cw.MetricDimension(Name=name, Value=value)
                    for name, value in dimensions.items()],
        **statistic,
        Period=PERIOD_SECONDS,
        EvaluationPeriods=watch.evaluation_periods,
        DatapointsToAlarm=watch.evaluation_periods,
        Threshold=thresholds[watch.parameter] if watch.parameter else 0,
        ComparisonOperator="GreaterThanThreshold",
        # No datapoint means nothing happened: SQS, Lambda and Step Functions send none
        # for a quiet resource.
        TreatMissingData="notBreaching",
        AlarmActions=topic,
        OKActions=topic,
    ))


def add_alarms(stack: Stack) -> None:
    thresholds = {}
    for watch in WATCHES:
        if watch.parameter and watch.parameter not in thresholds:
            thresholds[watch.parameter] = Ref(stack.t.add_parameter(Parameter(
                watch.parameter, Type="Number", Default=watch.default, MinValue="0",
                Description=watch.description)))
    for name, queue in stack.dead_letter_queues.items():
        _alarm(stack, f"{name}DeadLetterAlarm", DEAD_LETTERS,
               f"A message waits in the {name} dead-letter queue.",
               {"QueueName": GetAtt(queue, "QueueName")}, thresholds)
    for workflow in registry.WORKFLOWS:
        if workflow.upload is None:
            continue
        machine = stack.state_machines[workflow.name]
        for watch in WORKFLOW_ENDINGS:
            _alarm(stack, f"{workflow.resource_title}{watch.metric}Alarm", watch,
                   f"{workflow.resource_title}: {watch.metric}.",
                   {"StateMachineArn": Ref(machine)}, thresholds)
    _alarm(stack, "StarterErrorsAlarm", STARTER_ERRORS, "The starter function failed.",
           {"FunctionName": Ref(stack.starter)}, thresholds)
    api = {"ApiName": stack.api.properties["Name"], "Stage": Ref(stack.api_stage)}
    _alarm(stack, "ApiServerErrorsAlarm", API_SERVER_ERRORS,
           "The API answered with a server error.", api, thresholds)
    _alarm(stack, "ApiLatencyAlarm", API_LATENCY, "The API's p99 latency is high.", api,
           thresholds)
    _alarm(stack, "RekognitionThrottlesAlarm", REKOGNITION_THROTTLES,
           "Rekognition throttled requests of this account.", {}, thresholds)
