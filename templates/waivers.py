"""Lint waivers: a rule switched off for one resource, always with the reason beside it."""

from __future__ import annotations


def waive(**reasons: str) -> dict:
    """Resource ``Metadata`` that makes cfn-lint skip the given rules, e.g.
    ``waive(ES1001="why this rule does not apply here")``. The reasons stay in the template,
    under ``LintWaivers``, for reviewers (and for the test that refuses a waiver without one)."""
    if not all(reason.strip() for reason in reasons.values()):
        raise ValueError("every waived rule needs a reason")
    return {
        "cfn-lint": {"config": {"ignore_checks": sorted(reasons)}},
        "LintWaivers": dict(sorted(reasons.items())),
    }
