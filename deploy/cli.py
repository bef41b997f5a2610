"""Deploy, inspect and destroy the stack, on AWS or on the embedded engine.

    python -m scripts.deploy deploy  --stack ekyc [--region R] [--param Key=Value ...]
    python -m scripts.deploy outputs --stack ekyc
    python -m scripts.deploy destroy --stack ekyc [--force]

(``make deploy``, ``make outputs`` and ``make destroy`` run these.) ``deploy`` builds and uploads
the thumbnail function's zip unless ``ThumbnailCodeKey`` is given, then creates or updates the
stack through a change set (``deploy/stack.py``). A failed deployment exits 1; an unchanged
template exits 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from botocore.exceptions import ClientError

from deploy.stack import DEFAULT_TEMPLATE, DeployError, Stack, parse_parameters, session_for


def ask(question: str) -> bool:
    if not sys.stdin.isatty():
        print(f"{question} Not asked: no terminal (use --force).")
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["deploy", "outputs", "destroy"])
    parser.add_argument("--stack", default="ekyc")
    parser.add_argument("--region", default=None)
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    parser.add_argument("--param", action="append", default=[], metavar="Key=Value")
    parser.add_argument("--force", action="store_true", help="destroy without asking")
    args = parser.parse_args(argv)
    stack = Stack(session_for(args.region), args.stack)
    try:
        if args.action == "deploy":
            parameters = parse_parameters(args.param)
            if "ThumbnailCodeKey" not in parameters:
                parameters = {**stack.thumbnail_code(), **parameters}
            stack.deploy(args.template.read_text(), parameters)
        elif args.action == "outputs":
            stack.print_outputs()
        else:
            stack.destroy(confirm=(lambda _: True) if args.force else ask)
    except (DeployError, ClientError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
