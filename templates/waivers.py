"""Lint waivers: a rule switched off for one resource, always with the reason beside it.

Rules named ``CKV_...`` are checkov's; the others cfn-lint's (including cfn-lint-serverless).
"""

from __future__ import annotations


def waive(**reasons: str) -> dict:
    """Resource ``Metadata`` that makes cfn-lint or checkov skip the given rules, e.g.
    ``waive(ES1001="why this rule does not apply here")``. The reasons stay in the template,
    under ``LintWaivers``, for reviewers (and for the test that refuses a waiver without one);
    checkov shows its own as the skip's comment."""
    if not all(reason.strip() for reason in reasons.values()):
        raise ValueError("every waived rule needs a reason")
    cfn_lint = sorted(rule for rule in reasons if not rule.startswith("CKV_"))
    checkov = sorted(rule for rule in reasons if rule.startswith("CKV_"))
    metadata: dict = {}
    if cfn_lint:
        metadata["cfn-lint"] = {"config": {"ignore_checks": cfn_lint}}
    if checkov:
        metadata["checkov"] = {"skip": [{"id": rule, "comment": reasons[rule]}
                                        for rule in checkov]}
    metadata["LintWaivers"] = dict(sorted(reasons.items()))
    return metadata
