"""Fixes to moto's IAM resource models (``moto.iam``) as CloudFormation deploys them: a role's
inline policies are kept as the JSON document IAM answers with, and a stack update applies
its new ones (35)."""

from __future__ import annotations

import json

from moto.iam.models import Role

# --- 35. inline policies of roles from CloudFormation -------------------------------------------

def _set_inline_policies(role: Role, policies: list[dict]) -> None:
    """The role's inline policies become exactly ``policies`` (the template's ``Policies``), each
    document kept as JSON text, as IAM's PutRolePolicy takes and GetRolePolicy answers it."""
    for name in list(role.policies):
        role.delete_policy(name)
    for policy in policies:
        document = policy["PolicyDocument"]
        role.put_policy(policy["PolicyName"],
                        document if isinstance(document, str) else json.dumps(document))


def keep_role_policies_as_aws_does() -> None:
    create, update = Role.create_from_cloudformation_json, Role.update_from_cloudformation_json

    def create_role(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        role = create.__func__(cls, resource_name, cloudformation_json, account_id, region_name,
                               **kwargs)
        _set_inline_policies(role, cloudformation_json["Properties"].get("Policies", []))
        return role

    def update_role(cls, original_resource, new_resource_name, cloudformation_json, account_id,
                    region_name):
        role = update.__func__(cls, original_resource, new_resource_name, cloudformation_json,
                               account_id, region_name)
        _set_inline_policies(role, cloudformation_json["Properties"].get("Policies", []))
        return role

    Role.create_from_cloudformation_json = classmethod(create_role)
    Role.update_from_cloudformation_json = classmethod(update_role)
