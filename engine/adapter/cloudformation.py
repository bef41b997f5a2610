"""Fixes to moto's CloudFormation (``moto.cloudformation``) and the resource models it deploys:
an executed change set leaves the stack its outputs (13), state machines run their substituted
definition (14), the resources moto skipped or half-made (15), a template holding a JSON
null is refused as AWS refuses it (17), and an API Gateway stage is created, so a ``Ref`` to it
or a ``${Stage}`` in ``Fn::Sub`` is its name (27), and an EventBridge pipe is created (33)."""

from __future__ import annotations

import functools
import json
import sys
import uuid

import yaml
from moto.apigateway.models import apigateway_backends
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException, ValidationError
from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.utils import yaml_tag_constructor
from moto.core.common_models import CloudFormationModel
from moto.pipes.models import pipes_backends
from moto.s3.models import FakeBucket, s3_backends
from moto.sqs.models import sqs_backends
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.responses import get_backend
from moto.stepfunctions.utils import cfn_to_api_tags

from engine.rekognition.responses import service_for
from templates.rules import nulls

# --- 13. CloudFormation change sets ---------------------------------------------------------------

def compute_outputs_of_change_sets() -> None:
    execute = CloudFormationBackend.execute_change_set

    def execute_and_compute_outputs(self, change_set_name, stack_name=None):
        execute(self, change_set_name, stack_name)
        change_set = self.change_sets.get(change_set_name) or next(
            c for c in self.change_sets.values() if c.change_set_name == change_set_name
            and stack_name in (None, c.stack_name, c.stack_id))
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        if change_set.parameters:
            stack.parameters = change_set.parameters
        stack.output_map = stack._create_output_map()

    CloudFormationBackend.execute_change_set = execute_and_compute_outputs


# --- 14. state machines from CloudFormation ---------------------------------------------------

def cloudformation_definition(properties: dict) -> str:
    """The definition CloudFormation would create: ``DefinitionString`` or ``Definition`` (an
    object), with each ``${Key}`` of ``DefinitionSubstitutions`` filled in. Properties come
    here resolved: an ``Fn::If`` around the string is already the chosen branch."""
    if "Definition" in properties:
        text = json.dumps(properties["Definition"])
    else:
        text = properties.get("DefinitionString", "")
    for key, value in (properties.get("DefinitionSubstitutions") or {}).items():
        text = text.replace("${" + key + "}", str(value))
    return text


def deploy_state_machines_that_run() -> None:
    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        backend = get_backend(account_id, region_name)
        return backend.create_state_machine(
            properties.get("StateMachineName", resource_name),
            cloudformation_definition(properties), properties.get("RoleArn", ""),
            tags=cfn_to_api_tags(properties.get("Tags", [])) or None,
            sm_type=properties.get("StateMachineType", "STANDARD"))

    def delete(cls, resource_name, cloudformation_json, account_id, region_name):
        get_backend(account_id, region_name).delete_state_machine(resource_name)

    def update(cls, original_resource, new_resource_name, cloudformation_json, account_id,
               region_name):
        properties = cloudformation_json.get("Properties", {})
        return get_backend(account_id, region_name).update_state_machine(
            original_resource.arn, definition=cloudformation_definition(properties),
            role_arn=properties.get("RoleArn"))

    StateMachine.create_from_cloudformation_json = classmethod(create)
    StateMachine.delete_from_cloudformation_json = classmethod(delete)
    StateMachine.update_from_cloudformation_json = classmethod(update)


# --- 15. CloudFormation resources ---------------------------------------------------------------

def s3_notification_from_cloudformation(configuration: dict) -> dict:
    """A bucket's CloudFormation ``NotificationConfiguration`` in moto's internal shape."""
    def rules(entry: dict) -> dict:
        found = entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        return {"S3Key": {"FilterRule": [{"Name": r["Name"], "Value": r["Value"]}
                                         for r in found]}} if found else {}

    converted: dict[str, list] = {}
    for cloudformation_key, moto_key, target in (
            ("QueueConfigurations", "QueueConfiguration", "Queue"),
            ("TopicConfigurations", "TopicConfiguration", "Topic"),
            ("LambdaConfigurations", "CloudFunctionConfiguration", "Function")):
        entries = configuration.get(cloudformation_key) or []
        if entries:
            converted[moto_key] = [
                {"Queue" if target == "Queue" else
                 "Topic" if target == "Topic" else "CloudFunction": entry[target],
                 "Event": [entry["Event"]], **({"Filter": rules(entry)} if rules(entry) else {})}
                for entry in entries]
    return converted


def complete_cloudformation_resources() -> None:
    class RekognitionCollection(CloudFormationModel):
        def __init__(self, collection_id: str, arn: str):
            self.collection_id, self.arn = collection_id, arn

        @staticmethod
        def cloudformation_name_type() -> str:
            return "CollectionId"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Rekognition::Collection"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name == "Arn":
                return self.arn
            raise UnformattedGetAttTemplateException()

        @property
        def physical_resource_id(self) -> str:
            return self.collection_id

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name, **kwargs):
            collection_id = cloudformation_json["Properties"].get("CollectionId", resource_name)
            created = service_for(account_id, region_name).create_collection(
                {"CollectionId": collection_id})
            return cls(collection_id, created["CollectionArn"])

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name):
            service_for(account_id, region_name).delete_collection({"CollectionId": resource_name})

    class QueuePolicy(CloudFormationModel):
        def __init__(self, queue_urls: list[str], account_id: str, region_name: str):
            self.queue_urls, self.account_id, self.region_name = queue_urls, account_id, region_name
            self.policy_id = f"queue-policy-{uuid.uuid4().hex[:12]}"

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::SQS::QueuePolicy"

        @property
        def physical_resource_id(self) -> str:
            return self.policy_id

        def apply(self, policy: str) -> None:
            backend = sqs_backends[self.account_id][self.region_name]
            for url in self.queue_urls:
                backend.set_queue_attributes(url.rsplit("/", 1)[-1], {"Policy": policy})

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name, **kwargs):
            properties = cloudformation_json["Properties"]
            made = cls(properties["Queues"], account_id, region_name)
            made.apply(json.dumps(properties["PolicyDocument"]))
            return made

    create_bucket = FakeBucket.create_from_cloudformation_json.__func__

    def create_bucket_with_notifications(cls, resource_name, cloudformation_json, account_id,
                                         region_name, **kwargs):
        bucket = create_bucket(cls, resource_name, cloudformation_json, account_id, region_name,
                               **kwargs)
        configuration = cloudformation_json.get("Properties", {}).get(
            "NotificationConfiguration")
        if configuration:
            s3_backends[account_id][bucket.partition].put_bucket_notification_configuration(
                bucket.name, s3_notification_from_cloudformation(configuration))
        return bucket

    FakeBucket.create_from_cloudformation_json = classmethod(create_bucket_with_notifications)
    # CloudFormationModel.__subclasses__() holds its subclasses weakly: keep these alive.
    complete_cloudformation_resources.models = (RekognitionCollection, QueuePolicy)
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


# --- 17. JSON nulls in CloudFormation templates ---------------------------------------------------

NULL_REFUSED = "'null' values are not allowed in templates"


def _parse_template(template: str):
    """A template body as moto reads it: JSON, else YAML with the short-form functions."""
    try:
        return json.loads(template)
    except ValueError:
        yaml.add_multi_constructor("", yaml_tag_constructor)
        return yaml.load(template, Loader=yaml.Loader)


def aws_null_pointer(pointer: str) -> str:
    """Where CloudFormation says a null is: a resource's ``Properties`` are written ``Type``
    in its messages (``[/Resources/myInstance/Type/EbsOptimized]``, cfn-lint#38;
    ``[/Resources/X/Type/DefinitionString/Fn::Join/1/33]``, aws-cdk#29164), any other part
    as it is (``[/Resources/X/DependsOn/0]``, ``[/Outputs]``)."""
    parts = pointer.split("/")
    if len(parts) > 3 and parts[1] == "Resources" and parts[3] == "Properties":
        parts[3] = "Type"
    return "/".join(parts)


def null_in_template(template: str) -> str | None:
    """CloudFormation's refusal of ``template`` if it holds a JSON null, else None."""
    if not isinstance(template, str) or not template.strip():
        return None
    try:
        document = _parse_template(template)
    except Exception:  # noqa: BLE001 - moto reports a template it cannot read on its own
        return None
    first = next(nulls(document), None)
    return None if first is None else f"[{aws_null_pointer(first) or '/'}] {NULL_REFUSED}"


def refuse_json_nulls_in_templates() -> None:
    def refusing_nulls(method, template_position: int):
        @functools.wraps(method)
        def checked(self, *args, **kwargs):
            template = kwargs.get("template", args[template_position]
                                  if len(args) > template_position else None)
            refusal = null_in_template(template)
            if refusal:
                raise ValidationError(message=refusal)
            return method(self, *args, **kwargs)
        return checked

    # (name, template_position): where each action takes its template body.
    for name, position in (("create_stack", 1), ("create_change_set", 2),
                           ("update_stack", 1), ("validate_template", 0)):
        setattr(CloudFormationBackend, name,
                refusing_nulls(getattr(CloudFormationBackend, name), position))

    clean = parsing.clean_json

    def clean_leaving_no_value_out_of_lists(resource_json, resources_map):
        if isinstance(resource_json, list):
            cleaned = (clean_leaving_no_value_out_of_lists(value, resources_map)
                       for value in resource_json)
            return [value for value in cleaned if value is not None]
        return clean(resource_json, resources_map)

    for module in [m for n, m in list(sys.modules.items()) if n.startswith("moto.")]:
        if getattr(module, "clean_json", None) is clean:
            module.clean_json = clean_leaving_no_value_out_of_lists


# --- 27. API Gateway stages from CloudFormation ---------------------------------------------------

def create_api_gateway_stages() -> None:
    class ApiGatewayStage(CloudFormationModel):
        """``Ref`` is the stage's name ("AWS::ApiGateway::Stage", CloudFormation Template
        Reference, Return values); ``Fn::Sub`` gives ``${Stage}`` the same value ("Fn::Sub")."""

        def __init__(self, rest_api_id: str, name: str):
            self.rest_api_id, self.name = rest_api_id, name

        @staticmethod
        def cloudformation_name_type() -> str:
            return "StageName"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::ApiGateway::Stage"

        @property
        def physical_resource_id(self) -> str:
            return self.name

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name, **kwargs):
            properties = cloudformation_json["Properties"]
            api, name = properties["RestApiId"], properties.get("StageName", resource_name)
            # moto's Deployment has no physical id, so a Ref to it is the model itself.
            deployment = properties.get("DeploymentId")
            apigateway_backends[account_id][region_name].create_stage(
                api, name, getattr(deployment, "id", deployment),
                variables=properties.get("Variables"),
                description=properties.get("Description", ""),
                tracing_enabled=properties.get("TracingEnabled"))
            return cls(api, name)

        def delete(self, account_id: str, region_name: str) -> None:
            api = apigateway_backends[account_id][region_name].apis.get(self.rest_api_id)
            if api is not None:
                api.stages.pop(self.name, None)

    create_api_gateway_stages.models = (ApiGatewayStage,)
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


# --- 33. EventBridge pipes from CloudFormation ----------------------------------------------------

def create_pipes() -> None:
    class Pipe(CloudFormationModel):
        """``Ref`` is the pipe's name, ``Arn`` its ARN ("AWS::Pipes::Pipe", CloudFormation
        Template Reference, Return values); the pipe is created in moto's pipes backend, which
        runs none."""

        def __init__(self, pipe):
            self.pipe = pipe

        @staticmethod
        def cloudformation_name_type() -> str:
            return "Name"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Pipes::Pipe"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name == "Arn":
                return self.pipe.arn
            raise UnformattedGetAttTemplateException()

        @property
        def physical_resource_id(self) -> str:
            return self.pipe.name

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name, **kwargs):
            properties = cloudformation_json["Properties"]
            made = pipes_backends[account_id][region_name].create_pipe(
                name=properties.get("Name", resource_name)[:64],
                description=properties.get("Description"),
                desired_state=properties.get("DesiredState"),
                source=properties["Source"],
                source_parameters=properties.get("SourceParameters"),
                enrichment=properties.get("Enrichment"),
                enrichment_parameters=properties.get("EnrichmentParameters"),
                target=properties["Target"],
                target_parameters=properties.get("TargetParameters"),
                role_arn=properties["RoleArn"],
                tags=properties.get("Tags"),
                log_configuration=properties.get("LogConfiguration"),
                kms_key_identifier=properties.get("KmsKeyIdentifier"))
            return cls(made)

        def delete(self, account_id: str, region_name: str) -> None:
            pipes_backends[account_id][region_name].pipes.pop(self.pipe.name, None)

    create_pipes.models = (Pipe,)
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
