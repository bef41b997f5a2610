"""The workflows: for each in ``statemachines.registry``, a role allowed what its entry
needs and nothing more, a log group, and the state machine with its committed definition."""

from __future__ import annotations

import json

from awacs import events, states, textract
from troposphere import GetAtt, If, NoValue, Ref, Sub
from troposphere import stepfunctions as sfn
from troposphere.iam import Role

from contract import placeholders as names
from contract.placeholders import PLACEHOLDER
from statemachines import registry
from statemachines.needs import ANY, COLLECTION, LISTING, OBJECTS, TABLE, THUMBNAIL, TOPIC
from statemachines.registry import Workflow

from .policies import (
    allow,
    allow_listing,
    allow_unscoped,
    arn,
    policy,
    service_role,
    state_machine_logging_statement,
    tracing_statement,
)
from .stack import Stack

EVENTS_RULE_FOR_SYNC = "StepFunctionsGetEventsForStepFunctionsExecutionRule"


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


def substitutions(stack: Stack, definition: dict) -> dict:
    """A value for each placeholder of ``definition``: the stack's resources, its settings,
    and the ARNs of the workflows already added."""
    values = {
        names.TABLE_NAME: Ref(stack.table),
        names.COLLECTION_ID: Ref(stack.collection),
        names.NOTIFICATION_TOPIC_ARN: stack.topic_arn,
        **{name: Ref(parameter) for name, parameter in stack.thresholds.items()},
        stack.analyze_id.title: Ref(stack.analyze_id),
        names.THUMBNAIL_FUNCTION_ARN: GetAtt(stack.thumbnail, "Arn"),
        names.BUCKET_NAME: Ref(stack.bucket),
        **{registry.get(workflow).arn_placeholder: Ref(machine)
           for workflow, machine in stack.state_machines.items()},
    }
    unknown = placeholders(definition) - values.keys()
    if unknown:
        raise KeyError(f"no substitution for placeholders {sorted(unknown)}")
    return {name: values[name] for name in sorted(placeholders(definition))}


def statements(stack: Stack, workflow: Workflow) -> list:
    """What the workflow may do (its registry entry's needs), then log and trace."""
    resources = {TABLE: [stack.table_arn], COLLECTION: [stack.collection_arn],
                 TOPIC: [stack.topic_arn], THUMBNAIL: [GetAtt(stack.thumbnail, "Arn")]}
    found = []
    for need in workflow.needs:
        if need.on == ANY:
            found.append(allow_unscoped(list(need.actions)))
        elif need.on == OBJECTS:
            found.append(allow(list(need.actions),
                               [stack.objects(prefix) for prefix in need.prefixes]))
        elif need.on == LISTING:
            # The s3:prefix condition key limits s3:ListBucket to keys under a prefix ("Bucket
            # policy examples using condition keys", Amazon S3 User Guide; s3:ListBucket, the
            # permission ListObjectsV2 needs, takes s3:prefix in "Actions, resources, and
            # condition keys for Amazon S3", Service Authorization Reference).
            found.append(allow_listing(list(need.actions), GetAtt(stack.bucket, "Arn"),
                                       [f"{prefix}*" for prefix in need.prefixes]))
        else:
            found.append(allow(list(need.actions), resources[need.on]))
    return [*found, state_machine_logging_statement(), tracing_statement()]


def analyze_id_policy() -> If:
    return If("AnalyzesIdDocuments",
              policy("analyze-id", [allow_unscoped([textract.AnalyzeID])]), NoValue)


def nested_policy(stack: Stack, nested: str) -> If:
    """Starting the nested workflow and waiting for it: ``.sync`` (Standard), which watches the
    child through an EventBridge rule of Step Functions' own, or StartSyncExecution (Express)."""
    child = stack.state_machines[nested]
    label = f"nested-{nested.rsplit('_', 1)[-1]}"  # the child's last word: nested-compare
    standard = policy(f"{label}-standard", [
        allow([states.StartExecution], [Ref(child)]),
        allow([states.DescribeExecution, states.StopExecution],
              [Sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
                   "execution:${Name}:*", Name=GetAtt(child, "Name"))]),
        allow([events.PutTargets, events.PutRule, events.DescribeRule],
              [arn("events", f"rule/{EVENTS_RULE_FOR_SYNC}")]),
    ])
    express = policy(f"{label}-express", [
        allow([states.StartSyncExecution], [Ref(child)]),
    ])
    return If("IsExpress", express, standard)


def state_machine(stack: Stack, title: str, log_suffix: str, role: Role, definition: dict,
                  values: dict, kind=None, express_definition: dict | None = None,
                  logs_execution_data: bool = False) -> sfn.StateMachine:
    """``express_definition``: the variant deployed instead when WorkflowType is EXPRESS.
    ``logs_execution_data``: for a workflow whose states carry no personal data."""
    text = definition_string(definition)
    if express_definition is not None:
        text = If("IsExpress", definition_string(express_definition), text)
    log_group = stack.log_group(f"{title}LogGroup",
                                Sub(f"/aws/vendedlogs/states/${{AWS::StackName}}-{log_suffix}"))
    return stack.t.add_resource(sfn.StateMachine(
        title,
        StateMachineType=kind or Ref(stack.workflow_type),
        RoleArn=GetAtt(role, "Arn"),
        DefinitionString=text,
        DefinitionSubstitutions=values,
        # Executions carry user ids and object keys: log the path, not the data.
        LoggingConfiguration=sfn.LoggingConfiguration(
            Level="ALL", IncludeExecutionData=logs_execution_data,
            Destinations=[sfn.LogDestination(CloudWatchLogsLogGroup=sfn.CloudWatchLogsLogGroup(
                LogGroupArn=GetAtt(log_group, "Arn")))]),
        TracingConfiguration=sfn.TracingConfiguration(Enabled=True),
    ))


def add_workflow(stack: Stack, workflow: Workflow) -> sfn.StateMachine:
    """Its role, log group and state machine; an API workflow's names begin with ``api-``."""
    name = workflow.name.replace("_", "-")
    if workflow.route is not None:
        name = f"api-{name}"
    policies = [policy(name, statements(stack, workflow))]
    if workflow.analyze_id:
        policies.insert(0, analyze_id_policy())
    if workflow.starts:
        policies.append(nested_policy(stack, workflow.starts))
    title = workflow.resource_title
    role = stack.t.add_resource(service_role(f"{title}Role", "states", policies))
    definition = workflow.build()
    values = substitutions(stack, definition)
    (express, *more) = [variant.build() for variant in workflow.variants
                        if variant.deployed_when_express] or [None]
    if more:
        raise ValueError(f"{workflow.name}: one variant at most is deployed when Express")
    if express is not None and substitutions(stack, express).keys() != values.keys():
        raise ValueError("the Standard and Express variants must use the same placeholders")
    machine = state_machine(stack, f"{title}StateMachine", name, role, definition, values,
                            kind=workflow.deployed_as, express_definition=express,
                            logs_execution_data=workflow.logs_execution_data)
    stack.state_machines[workflow.name] = machine
    return machine


def add_workflows(stack: Stack, *, api: bool) -> None:
    """The API's workflows, or all the others, each after the workflows it names."""
    chosen = [workflow for workflow in registry.WORKFLOWS if (workflow.route is not None) == api]
    for workflow in registry.in_dependency_order(chosen):
        add_workflow(stack, workflow)
