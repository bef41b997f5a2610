"""What the exit status of ``ekyc`` and of the deploy tool means: defined here once, documented
in docs/cli.md (a test holds the page to this table)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    PASSED = 0
    FAILED = 1
    BAD_INPUT = 2
    SERVICE = 3
    # 128 + SIGPIPE's number: what a shell reports for a command whose reader went away.
    OUTPUT_CLOSED = 141


MEANINGS = {
    ExitCode.PASSED: "the verdict passed (or the command did what it was asked)",
    ExitCode.FAILED: "the verdict was a rejection (`fail`, an API refusal); for the deploy "
                     "tool, the deployment failed",
    ExitCode.BAD_INPUT: "usage or bad input: an unknown option, a missing or unusable picture, "
                        "a user id the stack refuses or has no record of, a parameter the "
                        "template does not have",
    ExitCode.SERVICE: "configuration or service error: no region, no credentials, an "
                      "endpoint that does not answer, a stack that does not exist, a workflow "
                      "that ended `error` or did not finish in time",
    ExitCode.OUTPUT_CLOSED: "the output was closed before `ekyc` finished writing (its "
                            "reader, `head` say, stopped reading): what a shell reports for "
                            "such a command",
}
