"""The ``${Name}`` placeholders of the ASL files, which the template's
``DefinitionSubstitutions`` fill at deploy time ("mappings for placeholder variables in the
state machine definition", AWS::StepFunctions::StateMachine, CloudFormation Template
Reference) and the scenario runner fills the same way.

That page says the variables "can be template parameter names, resource logical IDs, resource
attributes, or a variable in a key-value map"; ours are named after the parameter, output or
resource that gives the value, so a name is a logical ID: alphanumeric ("CloudFormation
Resources template syntax", CloudFormation User Guide). ``PLACEHOLDER`` also finds an
underscore, so that a misnamed one is found, and refused for want of a value, rather than left
in a deployed definition.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")

# The stack's resources every workflow may name (the settings are in settings.py, the state
# machines' ARNs after their workflow: state_machine_arn).
TABLE_NAME = "TableName"
COLLECTION_ID = "CollectionId"
NOTIFICATION_TOPIC_ARN = "NotificationTopicArn"
THUMBNAIL_FUNCTION_ARN = "ThumbnailFunctionArn"
BUCKET_NAME = "BucketName"  # the upload bucket


def placeholder(name: str) -> str:
    """``${Name}``, for a name a template parameter, output or resource may have."""
    if not LOGICAL_ID.fullmatch(name):
        raise ValueError(f"placeholder {name!r}: names are alphanumeric, like logical IDs")
    return "${" + name + "}"


def state_machine_arn(workflow: str) -> str:
    """The placeholder, and the stack output, of a workflow's state machine ARN:
    ``identity_compare`` -> ``IdentityCompareStateMachineArn``."""
    return "".join(part.title() for part in workflow.split("_")) + "StateMachineArn"


def placeholders(text: str) -> set[str]:
    """The names of the placeholders in ``text``."""
    return set(PLACEHOLDER.findall(text))
