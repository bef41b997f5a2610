"""Write every generated artifact, or with ``--check`` fail when a committed one has drifted.

    python -m scripts.synth            # write the template, the ASL files, the mock config,
                                       # the diagrams and the workshop guide
    python -m scripts.synth --check    # compare the committed files with a fresh build
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generators import workshop_guide
from generators.diagrams import cli as diagrams
from generators.output import ROOT, TEMPLATE_PATH, write, write_or_check
from statemachines import registry
from statemachines.scenarios import all_scenarios, mock_config
from templates import ekyc

MOCK_CONFIG_PATH = ROOT / "statemachines" / "mock_config.json"


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def artifacts() -> dict[Path, str]:
    """Every generated file and its content, built fresh from the Python sources."""
    files = {definition.path: render(definition.build())
             for definition in registry.definitions()}
    files[TEMPLATE_PATH] = render(ekyc.build().to_dict())
    files[MOCK_CONFIG_PATH] = render(mock_config(all_scenarios()))
    return files


def views() -> dict[Path, str]:
    """Files drawn from the committed definitions and template: the diagrams and the
    workshop guide (written after those, so that they show what was just generated)."""
    return {**diagrams.artifacts(), **workshop_guide.artifacts()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if committed artifacts differ from the generator")
    args = parser.parse_args(argv)
    if args.check:
        return write_or_check({**artifacts(), **views()}, check=True,
                              what="generated file(s)", command="make synth")
    write(artifacts())
    write(views())  # drawn from the files just written
    return 0


if __name__ == "__main__":
    sys.exit(main())
