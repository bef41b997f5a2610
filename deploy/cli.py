"""Deploy, inspect and destroy the stack, on AWS or on the embedded engine.

    python -m scripts.deploy deploy  --stack ekyc [--region R] [--param Key=Value ...]
    python -m scripts.deploy outputs --stack ekyc
    python -m scripts.deploy destroy --stack ekyc [--force]

(``make deploy``, ``make outputs`` and ``make destroy`` run these.) ``deploy`` builds and uploads
the thumbnail function's zip unless ``ThumbnailCodeKey`` is given, then creates or updates the
stack through a change set (``deploy/stack.py``). A failed deployment exits 1; an unchanged
template exits 0. Exit codes (``contract/exit_codes.py``, docs/cli.md): 1 a failed
deployment, 2 bad input (a malformed or unknown parameter), 3 a configuration problem (no
region, no credentials, an endpoint that does not answer, a stack that does not exist), each
with one line saying what to do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from botocore.exceptions import ClientError

from contract.exit_codes import ExitCode
from deploy.problems import PROBLEMS, explain, refused
from deploy.stack import (
    DEFAULT_TEMPLATE,
    BadInput,
    DeployError,
    Stack,
    StackMissing,
    check_parameters,
    parse_parameters,
    session_for,
)

EXAMPLES = """examples:
  python -m scripts.deploy deploy --stack ekyc --param AnalyzeIdDocuments=false
  python -m scripts.deploy deploy --stack ekyc-prod --region eu-west-1 --param WorkflowType=EXPRESS
  python -m scripts.deploy outputs --stack ekyc
  python -m scripts.deploy destroy --stack ekyc --force

exit codes: 0 done, 1 the deployment failed, 2 bad input, 3 configuration (docs/cli.md)"""


def ask(question: str) -> bool:
    if not sys.stdin.isatty():
        print(f"{question} Not asked: no terminal (use --force).")
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["deploy", "outputs", "destroy"],
                        help="deploy: create or update the stack through a change set; "
                             "outputs: print its outputs; destroy: empty its bucket, delete it")
    parser.add_argument("--stack", default="ekyc", help="the stack's name (default: ekyc)")
    parser.add_argument("--region", default=None,
                        help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)")
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE,
                        help="the template to deploy (default: the generated one)")
    parser.add_argument("--param", action="append", default=[], metavar="Key=Value",
                        help="a template parameter; repeat for several (docs/architecture.md)")
    parser.add_argument("--force", action="store_true", help="destroy without asking")
    args = parser.parse_args(argv)
    try:
        if args.action == "deploy":
            # The input is checked before anything is uploaded.
            if not args.template.is_file():
                raise BadInput(f"{args.template}: no such template")
            template = args.template.read_text()
            parameters = parse_parameters(args.param)
            check_parameters(template, parameters)
            stack = Stack(session_for(args.region), args.stack)
            if "ThumbnailCodeKey" not in parameters:
                parameters = {**stack.thumbnail_code(), **parameters}
            stack.deploy(template, parameters)
            return ExitCode.PASSED
        stack = Stack(session_for(args.region), args.stack)
        if args.action == "outputs":
            stack.print_outputs()
        else:
            stack.destroy(confirm=(lambda _: True) if args.force else ask)
    except BadInput as error:
        return fail(ExitCode.BAD_INPUT, str(error))
    except StackMissing as error:
        return fail(ExitCode.SERVICE, f"{error}: check AWS_REGION and AWS_ENDPOINT_URL, or "
                                      "deploy it first (make deploy)")
    except DeployError as error:
        return fail(ExitCode.FAILED, str(error))
    except ClientError as error:  # CloudFormation refused the template, say
        return fail(ExitCode.SERVICE if refused(error) else ExitCode.FAILED, explain(error))
    except PROBLEMS as error:
        return fail(ExitCode.SERVICE, explain(error))
    return ExitCode.PASSED


def fail(code: ExitCode, message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
