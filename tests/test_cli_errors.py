"""`ekyc` and the deploy tool: an exit code per outcome (contract/exit_codes.py, docs/cli.md) and
one line saying what to do for each configuration problem, never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from client import cli as ekyc
from client.verdict import verdict
from contract.exit_codes import MEANINGS, ExitCode
from deploy import cli as deploy

from .conftest import EXTERNAL_ENGINE
from .test_local_engine import free_port

ROOT = Path(__file__).resolve().parent.parent
JPEG = b"\xff\xd8\xff\xe0 a picture"


@pytest.fixture
def bare(monkeypatch, tmp_path):
    """No AWS setting at all: no region, no credentials, no endpoint, no profile files."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    return monkeypatch


def one_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err + captured.out, captured
    return lines[0]


def pictures(tmp_path: Path) -> list[str]:
    (tmp_path / "id.jpg").write_bytes(JPEG)
    (tmp_path / "selfie.jpg").write_bytes(JPEG)
    return ["--id", str(tmp_path / "id.jpg"), "--selfie", str(tmp_path / "selfie.jpg")]


# --- configuration problems: exit code 3 -------------------------------------------------------

def test_no_region(bare, capsys, tmp_path):
    assert ekyc.main(["verify", "alice", *pictures(tmp_path)]) == ExitCode.SERVICE
    assert one_line(capsys).startswith("error: no AWS region: set AWS_REGION")
    assert deploy.main(["outputs"]) == ExitCode.SERVICE
    assert one_line(capsys).startswith("error: no AWS region: set AWS_REGION")


def test_no_credentials(bare, capsys):
    bare.setenv("AWS_REGION", "us-east-1")
    assert ekyc.main(["status", "alice"]) == ExitCode.SERVICE
    assert one_line(capsys).startswith("error: no AWS credentials: set AWS_PROFILE")
    assert deploy.main(["outputs"]) == ExitCode.SERVICE
    assert one_line(capsys).startswith("error: no AWS credentials: set AWS_PROFILE")


def test_an_endpoint_that_does_not_answer(bare, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    for name, value in {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local",
                        "AWS_SECRET_ACCESS_KEY": "local", "AWS_ENDPOINT_URL": url}.items():
        bare.setenv(name, value)
    assert ekyc.main(["status", "alice"]) == ExitCode.SERVICE
    assert one_line(capsys).startswith(f"error: cannot reach {url}/: is the engine running")
    assert deploy.main(["outputs"]) == ExitCode.SERVICE
    assert one_line(capsys).startswith(f"error: cannot reach {url}/")


@pytest.mark.skipif(EXTERNAL_ENGINE, reason="asks the embedded engine for a stack")
def test_a_stack_that_does_not_exist(endpoint_url, monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    assert ekyc.main(["--stack", "nowhere", "status", "alice"]) == ExitCode.SERVICE
    assert one_line(capsys) == ("error: stack nowhere does not exist: deploy it first (make "
                                "deploy), or check AWS_REGION and AWS_ENDPOINT_URL")
    assert deploy.main(["outputs", "--stack", "nowhere"]) == ExitCode.SERVICE
    assert one_line(capsys).startswith("error: stack nowhere does not exist")


def test_the_commands_print_no_traceback_either(tmp_path):
    """The console entry points themselves, in a process with no AWS setting."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(
        tmp_path / "none"))
    for module, args in (("scripts.ekyc", ["status", "alice"]),
                         ("scripts.deploy", ["outputs"])):
        done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == ExitCode.SERVICE
        assert done.stderr.startswith("error: no AWS region") and done.stderr.count("\n") == 1


# --- bad input: exit code 2, before any AWS setting is read ------------------------------------

def test_bad_input_is_refused_before_any_aws_setting_is_read(bare, capsys, tmp_path):
    assert ekyc.main(["verify", "alice", "--id", str(tmp_path / "missing.jpg"),
                      "--selfie", str(tmp_path / "missing.jpg")]) == ExitCode.BAD_INPUT
    assert one_line(capsys).endswith("missing.jpg: no such file")
    assert ekyc.main(["status", "not valid"]) == ExitCode.BAD_INPUT
    assert "must be 1-100 characters" in one_line(capsys)


def test_a_parameter_the_template_does_not_have_is_refused_before_anything_is_uploaded(
        bare, capsys):
    assert deploy.main(["deploy", "--param", "AnalyzeIdDocument=false"]) == ExitCode.BAD_INPUT
    line = one_line(capsys)
    assert line.startswith("error: the template has no parameter AnalyzeIdDocument (it has: ")
    assert "AnalyzeIdDocuments" in line
    assert deploy.main(["deploy", "--param", "NoEquals"]) == ExitCode.BAD_INPUT
    assert "write it as Key=Value" in one_line(capsys)


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        ekyc.main(["verify", "alice"])
    assert exited.value.code == ExitCode.BAD_INPUT
    assert "--id" in capsys.readouterr().err


# --- the verdict: 0 pass, 1 fail, 3 error, 2 no record -----------------------------------------

ITEMS = {
    "pass": ({"identity_verify_status": "pass", "similarity": 99.87, "id_verify_status": "pass"},
             ExitCode.PASSED, "alice: pass (similarity 99.9)"),
    "fail": ({"identity_verify_status": "fail", "identity_verify_reason": "similarity 57.6 < 80",
              "similarity": 57.6}, ExitCode.FAILED, "alice: fail: similarity 57.6 < 80"),
    "error": ({"id_verify_status": "error", "id_verify_reason": "Textract failed"},
              ExitCode.SERVICE, "alice: ID document error: Textract failed"),
    "id only": ({"id_verify_status": "pass"}, ExitCode.PASSED,
                "alice: ID document pass (no selfie yet)"),
    "nothing": ({}, ExitCode.BAD_INPUT,
                "alice: no record (nothing was uploaded for this user id)"),
}


@pytest.mark.parametrize("case", ITEMS)
def test_status_ends_with_the_verdict_and_exits_with_its_code(case, monkeypatch, capsys):
    item, code, line = ITEMS[case]

    class FakeClient:
        def __init__(self, *args, **kwargs):
            pass

        def item(self, userid):
            return item

        def path(self, kind, item):
            return ["A", "B"]

    monkeypatch.setattr(ekyc, "Client", FakeClient)
    assert ekyc.main(["status", "alice"]) == code
    assert capsys.readouterr().out.splitlines()[-1] == line
    assert ekyc.main(["status", "alice", "--json"]) == code
    printed = json.loads(capsys.readouterr().out)
    assert (printed["exit_code"], printed["item"]) == (code, item)
    assert printed["verdict"] == verdict("alice", item).status


def test_the_exit_codes_are_documented_where_the_docs_say():
    page = (ROOT / "docs" / "cli.md").read_text()
    documented = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", page, flags=re.M))
    assert documented == {str(int(code)): meaning for code, meaning in MEANINGS.items()}


def test_a_reader_that_stops_reading_ends_ekyc_quietly(monkeypatch):
    """`ekyc status alice --json | head -1`: the reader closed the pipe before ekyc wrote its
    output; ekyc ends with the code a shell gives such a command, and nothing on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    stdout = os.fdopen(write_end, "w")
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(ekyc, "run", lambda args: print(json.dumps({"item": "x" * 200_000})))
    try:
        assert ekyc.main(["status", "alice", "--json"]) == ExitCode.OUTPUT_CLOSED
        stdout.flush()  # stdout now goes to devnull: no second BrokenPipeError at exit
    finally:
        monkeypatch.undo()
        stdout.close()
