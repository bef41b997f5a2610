"""The synchronous API's resources: a REST API whose routes start their Express workflows
with ``StartSyncExecution`` (the routes, models and mapping templates are in ``api.py``)."""

from __future__ import annotations

import hashlib
import json

from awacs import states
from troposphere import GetAtt, Ref, Sub
from troposphere import apigateway as apigw

from statemachines import api_common, registry

from . import api
from .policies import allow, policy, service_role
from .stack import Stack
from .waivers import waive

DEPLOYMENT_HASH_LENGTH = 12  # hex digits of the API's hash in its deployment's name


def _method(stack: Stack, route: str, http_method: str, model_name: str, credentials: GetAtt,
            validator, machine) -> apigw.Method:
    resource = stack.t.add_resource(apigw.Resource(
        f"{model_name.removesuffix('Request')}Resource", RestApiId=Ref(stack.api),
        ParentId=GetAtt(stack.api, "RootResourceId"), PathPart=route.lstrip("/")))
    return apigw.Method(
        f"{model_name.removesuffix('Request')}Method",
        RestApiId=Ref(stack.api),
        ResourceId=Ref(resource),
        HttpMethod=http_method,
        AuthorizationType="AWS_IAM",
        RequestValidatorId=Ref(validator),
        RequestModels={"application/json": Ref(model_name)},
        Integration=apigw.Integration(
            Type="AWS",
            IntegrationHttpMethod="POST",
            Uri=Sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:states:"
                    "action/StartSyncExecution"),
            Credentials=credentials,
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
    )


def add_api(stack: Stack) -> None:
    t = stack.t
    machines = {workflow.route: stack.state_machines[workflow.name]
                for workflow in registry.api_workflows()}
    stack.api = t.add_resource(apigw.RestApi(
        "EkycApi",
        Name=Sub("${AWS::StackName}-api"),
        Description="eKYC synchronous API: "
                    + ", ".join(route.lstrip("/") for route in machines)
                    + ". IAM-authorised (SigV4); no CORS.",
        EndpointConfiguration=apigw.EndpointConfiguration(Types=["REGIONAL"]),
        MinimumCompressionSize=1024,
    ))
    # No aws:SourceAccount condition: API Gateway does not send it (policies.py says why).
    role = t.add_resource(service_role("ApiRole", "apigateway", [policy("api", [
        allow([states.StartSyncExecution], [Ref(machine) for machine in machines.values()]),
    ])]))
    validator = t.add_resource(apigw.RequestValidator(
        "ApiBodyValidator", RestApiId=Ref(stack.api), ValidateRequestBody=True,
        ValidateRequestParameters=False, Name="body"))
    models = api.models()
    for workflow in registry.api_workflows():
        route, machine = workflow.route, machines[workflow.route]
        model_name, schema = models[route]
        t.add_resource(apigw.Model(
            model_name, RestApiId=Ref(stack.api), Name=model_name,
            ContentType="application/json", Schema=schema))
        t.add_resource(_method(stack, route, workflow.method, model_name, GetAtt(role, "Arn"),
                               validator, machine))
    for response_type, (status, body) in api.gateway_responses().items():
        t.add_resource(apigw.GatewayResponse(
            "".join(word.title() for word in response_type.split("_")) + "Response",
            RestApiId=Ref(stack.api), ResponseType=response_type, StatusCode=str(status),
            ResponseTemplates={"application/json": body}))
    deployment = t.add_resource(_deployment(stack))
    stack.api_stage = t.add_resource(apigw.Stage(
        "ApiStage", RestApiId=Ref(stack.api), DeploymentId=Ref(deployment), StageName="v1",
        TracingEnabled=True,
        Metadata=waive(**dict.fromkeys(("ES2000", "CKV_AWS_76"),
                                       "Access logging needs the account-wide API Gateway "
                                       "CloudWatch role (AWS::ApiGateway::Account), which "
                                       "one stack should not change; requests are traced "
                                       "with X-Ray and every execution is logged by its "
                                       "state machine."),
                       CKV_AWS_120="Every method is an IAM-authorised POST or DELETE that starts a "
                                   "workflow for its caller; a cached answer would be "
                                   "wrong, and a cache cluster is billed by the hour."),
        MethodSettings=[apigw.MethodSetting(
            HttpMethod="*", ResourcePath="/*", ThrottlingBurstLimit=50,
            ThrottlingRateLimit=25)],
    ))


def _deployment(stack: Stack) -> apigw.Deployment:
    """A deployment named after a hash of everything of the API, so that any change to a
    method, integration, mapping template, model or gateway response makes a new one,
    which the stage then serves. A deployment is a snapshot: an update to those needs a
    redeployment to reach the stage ("Updates to REST APIs that require redeployment",
    API Gateway Developer Guide), and CloudFormation leaves a resource whose properties
    did not change alone. ARNs resolved at deploy time are not in the hash; they change
    only with the template (no resource of the API is named)."""
    pieces = {title: resource.to_dict() for title, resource in stack.t.resources.items()
              if resource is stack.api
              or resource.properties.get("RestApiId") == Ref(stack.api)}
    digest = hashlib.sha256(json.dumps(pieces, sort_keys=True).encode()).hexdigest()
    served = [title for title, resource in pieces.items()
              if resource["Type"] in ("AWS::ApiGateway::Method",
                                      "AWS::ApiGateway::GatewayResponse")]
    return apigw.Deployment(f"ApiDeployment{digest[:DEPLOYMENT_HASH_LENGTH].upper()}",
                            RestApiId=Ref(stack.api), DependsOn=served)
