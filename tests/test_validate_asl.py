"""``generators/validate_asl.py`` runs statelint with every check, the Resource URI check included:
no ``${Placeholder}`` sits in a Resource, so a Resource that is not a URI is a mistake."""

from __future__ import annotations

import json
from pathlib import Path

from generators import validate_asl

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_definitions_pass():
    assert validate_asl.main([]) == 0


def test_a_resource_that_is_not_a_uri_is_refused(tmp_path):
    definition = json.loads((ROOT / "statemachines/register.asl.json").read_text())
    task = next(name for name, state in definition["States"].items() if state["Type"] == "Task")
    definition["States"][task]["Resource"] = "${ThumbnailFunctionArn}"
    path = tmp_path / "planted.asl.json"
    path.write_text(json.dumps(definition))
    assert f'States.{task}.Resource is "${{ThumbnailFunctionArn}}" but should be A URI' in \
        " ".join(validate_asl.problems(path))
