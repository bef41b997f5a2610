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
from statemachines.needs import ANY, COLLECTION, LISTING, OBJECTS, TABLE, THUMBNAIL, TOPIC, Need
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
from .waivers import waive

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


def _statement(stack: Stack, need: Need):
    resources = {TABLE: [stack.table_arn], COLLECTION: [stack.collection_arn],
                 TOPIC: [stack.topic_arn], THUMBNAIL: [GetAtt(stack.thumbnail, "Arn")]}
    if need.on == ANY:
        return allow_unscoped(list(need.actions))
    if need.on == OBJECTS:
        return allow(list(need.actions), [stack.objects(prefix) for prefix in need.prefixes])
    if need.on == LISTING:
        # The s3:prefix condition key limits s3:ListBucket to keys under a prefix ("Bucket
        # policy examples using condition keys", Amazon S3 User Guide; s3:ListBucket, the
        # permission ListObjectsV2 needs, takes s3:prefix in "Actions, resources, and
        # condition keys for Amazon S3", Service Authorization Reference).
        return allow_listing(list(need.actions), GetAtt(stack.bucket, "Arn"),
                             [f"{prefix}*" for prefix in need.prefixes])
    return allow(list(need.actions), resources[need.on])


def statements(stack: Stack, workflow: Workflow) -> list:
    """What the workflow may do whatever the deploy conditions (its registry entry's needs),
    then log and trace."""
    found = [_statement(stack, need) for need in workflow.needs if need.condition is None]
    return [*found, state_machine_logging_statement(), tracing_statement()]


def conditional_policies(stack: Stack, workflow: Workflow, name: str) -> list[If]:
    """The needs of one deploy condition's definitions alone, a policy per condition and
    side: ``Fn::If`` with ``AWS::NoValue`` on the other side leaves the policy out of the
    role's list ("Condition functions", AWS CloudFormation User Guide)."""
    sides: dict[tuple[str, bool], list[Need]] = {}
    for need in workflow.needs:
        if need.condition is not None:
            sides.setdefault((need.condition, need.unless), []).append(need)
    found = []
    for (condition, unless), needs in sides.items():
        label = f"{name}-{'not-' if unless else ''}{_kebab(condition)}"
        chosen = policy(label, [_statement(stack, need) for need in needs])
        found.append(If(condition, NoValue, chosen) if unless else If(condition, chosen, NoValue))
    return found


def _kebab(condition: str) -> str:
    """IsCollection -> collection."""
    return "".join(f"-{c.lower()}" if c.isupper() else c
                   for c in condition.removeprefix("Is")).lstrip("-")


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
    return If(registry.IS_EXPRESS, express, standard)


def chosen(values: dict[tuple[str, ...], object]):
    """Of ``values`` (by the deploy conditions that must hold for each,
    ``registry.deployed_definitions``), the one the stack's conditions choose: nested
    ``Fn::If``, one level per condition any key names; every combination of those conditions
    must have its value."""
    conditions = sorted({name for key in values for name in key})

    def choose(remaining: list[str], holding: tuple[str, ...]):
        if not remaining:
            key = tuple(sorted(holding))
            if key not in values:
                raise ValueError(f"no definition is deployed when exactly {key} hold")
            return values[key]
        first, rest = remaining[0], remaining[1:]
        when_true, when_false = choose(rest, (*holding, first)), choose(rest, holding)
        return when_true if when_true == when_false else If(first, when_true, when_false)

    return choose(conditions, ())


def state_machine(stack: Stack, title: str, log_suffix: str, role: Role,
                  definitions: dict[tuple[str, ...], dict], kind=None,
                  logs_execution_data: bool = False) -> sfn.StateMachine:
    """``definitions``: by the deploy conditions each is chosen on (``()``: the workflow's
    own); each comes with the substitutions of its own placeholders, chosen the same way.
    ``logs_execution_data``: for a workflow whose states carry no personal data."""
    text = chosen({key: definition_string(definition)
                   for key, definition in definitions.items()})
    values = chosen({key: substitutions(stack, definition)
                     for key, definition in definitions.items()})
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
        **({"Metadata": waive(E1029=CHOSEN_SUBSTITUTIONS)} if isinstance(values, If) else {}),
    ))


# Fn::If may choose a property's whole value, an object too ("Condition functions", AWS
# CloudFormation Template Reference), so each definition comes with exactly its own map.
CHOSEN_SUBSTITUTIONS = (
    "cfn-lint takes ${Name} in a DefinitionString for a Fn::Sub variable unless a "
    "DefinitionSubstitutions map names it, and does not look into a map chosen by Fn::If; "
    "tests/test_generated_template.py holds each definition's placeholders to its map")


def add_workflow(stack: Stack, workflow: Workflow) -> sfn.StateMachine:
    """Its role, log group and state machine; an API workflow's names begin with ``api-``."""
    name = workflow.name.replace("_", "-")
    if workflow.route is not None:
        name = f"api-{name}"
    policies = [policy(name, statements(stack, workflow)),
                *conditional_policies(stack, workflow, name)]
    if workflow.analyze_id:
        policies.insert(0, analyze_id_policy())
    if workflow.starts:
        policies.append(nested_policy(stack, workflow.starts))
    title = workflow.resource_title
    role = stack.t.add_resource(service_role(f"{title}Role", "states", policies))
    definitions = {key: build() for key, build in
                   registry.deployed_definitions(workflow).items()}
    machine = state_machine(stack, f"{title}StateMachine", name, role, definitions,
                            kind=workflow.deployed_as,
                            logs_execution_data=workflow.logs_execution_data)
    stack.state_machines[workflow.name] = machine
    return machine


def add_workflows(stack: Stack, *, api: bool) -> None:
    """The API's workflows, or all the others, each after the workflows it names."""
    chosen = [workflow for workflow in registry.WORKFLOWS if (workflow.route is not None) == api]
    for workflow in registry.in_dependency_order(chosen):
        add_workflow(stack, workflow)
