"""Rules AWS enforces on a CloudFormation template that cfn-lint and checkov let through.

    python -m generators.lint_template [TEMPLATE ...]   # default: templates/*.template.json

1. No JSON ``null`` anywhere. CloudFormation refuses the whole template with
   ``[/Resources/…] 'null' values are not allowed in templates`` (aws/aws-cdk#29164,
   aws/serverless-application-model#1618); cfn-lint passed our template with 25 of them.
2. No ``aws:SourceAccount`` or ``aws:SourceArn`` condition in the trust policy of a role that
   API Gateway assumes. API Gateway sends neither key when it assumes an integration's
   credentials role, so the condition never matches, ``AssumeRole`` is denied and every
   request answers 500 (aws-solutions-library-samples/accelerated-intelligent-document-
   processing-on-aws#479, tested on a live stack).

Prints one line per finding and exits 1 if there is any.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from generators.output import ROOT
from templates.rules import nulls

TEMPLATES = sorted((ROOT / "templates").glob("*.template.json"))
SOURCE_CONDITION_KEYS = {"aws:sourceaccount", "aws:sourcearn"}  # IAM keys ignore case
API_GATEWAY = "apigateway."


def _branches(value) -> list:
    """``value``, or each branch of an ``Fn::If`` (recursively)."""
    if isinstance(value, dict) and "Fn::If" in value:
        return [leaf for branch in value["Fn::If"][1:] for leaf in _branches(branch)]
    return [value]


def _statements(document) -> Iterator[dict]:
    for policy in _branches(document):
        if isinstance(policy, dict):
            found = policy.get("Statement", [])
            for statement in found if isinstance(found, list) else [found]:
                yield from (s for s in _branches(statement) if isinstance(s, dict))


def _services(statement: dict) -> list[str]:
    principal = statement.get("Principal")
    services = principal.get("Service", []) if isinstance(principal, dict) else []
    return [s if isinstance(s, str) else json.dumps(s)
            for s in (services if isinstance(services, list) else [services])]


def source_conditions_on_api_gateway_roles(template: dict) -> Iterator[str]:
    """One message per trust statement of API Gateway that carries a source condition."""
    for title, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::IAM::Role":
            continue
        trust = (resource.get("Properties") or {}).get("AssumeRolePolicyDocument")
        for statement in _statements(trust):
            if not any(API_GATEWAY in service for service in _services(statement)):
                continue
            keys = sorted({key for block in _branches(statement.get("Condition") or {})
                           if isinstance(block, dict)
                           for operator in block.values() if isinstance(operator, dict)
                           for key in operator if key.lower() in SOURCE_CONDITION_KEYS})
            if keys:
                yield (f"/Resources/{title}: trust policy for API Gateway requires "
                       f"{', '.join(keys)}, which API Gateway does not send when it assumes "
                       "an integration's role: every request would answer 500")


def findings(path: Path) -> list[str]:
    template = json.loads(path.read_text())
    return ([f"null at {pointer}: CloudFormation refuses any null in a template"
             for pointer in nulls(template)]
            + list(source_conditions_on_api_gateway_roles(template)))


def main(argv: list[str] | None = None) -> int:
    paths = [Path(arg) for arg in (argv if argv is not None else sys.argv[1:])] or TEMPLATES
    count = 0
    for path in paths:
        shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        for finding in findings(path):
            print(f"{shown}: {finding}")
            count += 1
    print(f"lint_template: {count} finding(s) in {len(paths)} template(s)")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
