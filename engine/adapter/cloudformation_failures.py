"""A resource the engine cannot create fails its stack as CloudFormation does (28): the resource
ends ``CREATE_FAILED`` (or ``UPDATE_FAILED``) with the service's reason and the stack rolls back,
where moto let the exception through and its server answered HTTP 500 with an HTML page."""

from __future__ import annotations

from moto.cloudformation import parsing
from moto.cloudformation.models import CloudFormationBackend, Event, Stack

# --- 28. resources that fail to create ------------------------------------------------------------

class ResourceFailed(Exception):
    """A resource of a stack that could not be created or updated, and CloudFormation's reason."""

    def __init__(self, logical_id: str, resource_type: str, status: str, reason: str):
        super().__init__(f"{logical_id} ({resource_type}) {status}: {reason}")
        self.logical_id, self.resource_type = logical_id, resource_type
        self.status, self.reason = status, reason


def failure_reason(resource_type: str, error: Exception) -> str:
    """The service's answer in the shape CloudFormation's resource handlers report it:
    ``Resource handler returned message: "<message> (Service: <service>, Error Code: <code>)"``.
    """
    code = getattr(error, "error_type", None) or getattr(error, "code", None)
    code = code if isinstance(code, str) else type(error).__name__
    message = getattr(error, "message", None) or str(error)
    service = resource_type.split("::")[1] if resource_type.count("::") == 2 else resource_type
    return (f'Resource handler returned message: "{message} (Service: {service}, '
            f'Error Code: {code})"')


def _failing_as(status: str, function):
    def made_or_failed(logical_id, resource_json, resources_map, account_id, region_name):
        try:
            return function(logical_id, resource_json, resources_map, account_id, region_name)
        except ResourceFailed:
            raise  # a resource it depends on failed first
        except Exception as error:  # noqa: BLE001 - whatever the service raised, as AWS reports it
            kind = resource_json.get("Type", "")
            raise ResourceFailed(logical_id, kind, status, failure_reason(kind, error)) from error
    return made_or_failed


def _record(stack: Stack, failure: ResourceFailed) -> None:
    stack.events.append(Event(stack.stack_id, stack.name, failure.logical_id, "",
                              failure.resource_type, failure.status, failure.reason, None))


def roll_back_creation(stack: Stack, failure: ResourceFailed) -> None:
    """What CloudFormation does when a resource fails to create, by default: the stack rolls
    back, deleting what it created, and ends ``ROLLBACK_COMPLETE`` with neither resources nor
    outputs ("Stack status codes", CloudFormation User Guide)."""
    _record(stack, failure)
    stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=(
        f"The following resource(s) failed to create: [{failure.logical_id}]. Rollback "
        "requested by user."))
    try:
        stack.resource_map.delete()
    except Exception:  # noqa: BLE001,S110 - what cannot be deleted stays behind, as DELETE_SKIPPED
        pass
    stack.resource_map._resource_json_map = {}
    stack.output_map = parsing.OutputMap(stack.resource_map, {"Outputs": {}}, stack.stack_id)
    stack._add_stack_event("ROLLBACK_COMPLETE")
    stack.status = "ROLLBACK_COMPLETE"


def fail_update(stack: Stack, failure: ResourceFailed) -> None:
    """An update whose resource fails: CloudFormation would roll the stack back to its previous
    template. The engine cannot undo moto's partial update, so it says so: the stack ends
    ``UPDATE_ROLLBACK_FAILED``, a state in which AWS, too, leaves a stack it could not roll back."""
    _record(stack, failure)
    stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=(
        f"The following resource(s) failed to update: [{failure.logical_id}]."))
    stack._add_stack_event("UPDATE_ROLLBACK_FAILED", resource_status_reason=(
        "The embedded engine does not roll back updates: destroy the stack and deploy again."))
    stack.status = "UPDATE_ROLLBACK_FAILED"


def fail_stacks_whose_resources_fail() -> None:
    parsing.parse_and_create_resource = _failing_as("CREATE_FAILED",
                                                    parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _failing_as("UPDATE_FAILED",
                                                    parsing.parse_and_update_resource)
    create_resources = Stack.create_resources

    def create_resources_or_roll_back(self) -> None:
        try:
            create_resources(self)
        except ResourceFailed as failure:
            roll_back_creation(self, failure)

    execute = CloudFormationBackend.execute_change_set

    def execute_or_fail(self, change_set_name, stack_name=None):
        try:
            return execute(self, change_set_name, stack_name)
        except ResourceFailed as failure:
            change_set = self.change_sets.get(change_set_name) or next(
                c for c in self.change_sets.values() if c.change_set_name == change_set_name
                and stack_name in (None, c.stack_name, c.stack_id))
            change_set.execution_status = "EXECUTE_FAILED"
            stack = self.stacks[change_set.stack_id]
            if change_set.change_set_type == "CREATE":
                stack.template = change_set.template
                roll_back_creation(stack, failure)
            else:
                fail_update(stack, failure)

    Stack.create_resources = create_resources_or_roll_back
    CloudFormationBackend.execute_change_set = execute_or_fail
