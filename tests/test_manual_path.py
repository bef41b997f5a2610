"""The first hour of a new user, as subprocesses: the README's manual recipe played as written
(from `make local` to a verdict), and a restarted engine deploying the same stack again."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from contract.exit_codes import ExitCode
from deploy.stack import Stack

from .conftest import EXTERNAL_ENGINE
from .test_local_engine import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="starts the embedded engine itself")
README_PORT = "4566"
MARK = "@@exit="


def readme_recipe() -> list[str]:
    """The commands of the README's "Try it by hand" block, in order."""
    section = (ROOT / "README.md").read_text().split("## Try it by hand", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def clean_environment() -> dict[str, str]:
    """A new user's shell: none of the suite's AWS, engine or test settings."""
    return {name: value for name, value in os.environ.items()
            if not name.startswith(("AWS_", "SFN_", "EKYC_", "MOTO_", "PYTEST", "MAKE"))}


def checkout_copy(folder: Path) -> Path:
    """A working directory that is this checkout (every entry linked), so the recipe's files
    land in the test's folder, not in the checkout. Its .venv links the checkout's, with a
    stamp of its own: the set-up is done, make must not rebuild it."""
    for entry in ROOT.iterdir():
        if entry.name not in {".git", ".venv", "pictures"}:
            (folder / entry.name).symlink_to(entry)
    (folder / ".venv").mkdir()
    for entry in (ROOT / ".venv").iterdir():
        if entry.name != ".installed":
            (folder / ".venv" / entry.name).symlink_to(entry)
    (folder / ".venv" / ".installed").touch()
    return folder


def start_engine(command: list[str], cwd: Path, env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=cwd, env={**env, "PORT": str(port)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def lines_until(process: subprocess.Popen, prefix: str, timeout: float = 120) -> list[str]:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line.rstrip("\n"))
        if line.startswith(prefix):
            return seen
    raise AssertionError(f"no line starting {prefix!r}; printed: {seen}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group this test started (make and the engine under it), as Ctrl-C."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def test_the_readme_recipe_goes_from_make_local_to_a_verdict(tmp_path):
    make_local, export, *commands = readme_recipe()
    assert make_local == "make local" and export.startswith("export AWS_ENDPOINT_URL=")
    port = str(free_port())
    work, env = checkout_copy(tmp_path), clean_environment()
    engine = start_engine(make_local.split(), work, env, int(port))
    try:
        printed = lines_until(engine, "export ")
        assert printed[-1] == export.replace(README_PORT, port), printed
        script = "".join(f"{command.replace(README_PORT, port)}\necho '{MARK}'$?\n"
                         for command in [export, *commands])
        played = subprocess.run(["bash", "-c", script], cwd=work, env=env, text=True,
                                capture_output=True, timeout=600)
    finally:
        stop(engine)
    assert "Traceback" not in played.stdout + played.stderr, played.stderr
    # Each part after a mark begins with the exit code of the command before it.
    parts = played.stdout.split(MARK)
    codes = [int(part.split("\n", 1)[0]) for part in parts[1:]]
    printed = [parts[0], *(part.split("\n", 1)[1] for part in parts[1:-1])]
    last_lines = [(output.strip().splitlines() or [""])[-1] for output in printed]
    expected = [ExitCode.PASSED] * len(commands) + [ExitCode.FAILED]  # the export, then each
    assert codes == expected, (codes, played.stdout[-3000:], played.stderr[-3000:])
    assert last_lines[-2].startswith("alice: pass (similarity ")
    assert re.fullmatch(r"bob: fail: similarity [\d.]+ < 80", last_lines[-1])


def test_a_restarted_engine_deploys_the_same_stack_again(tmp_path, monkeypatch):
    """`make local`, deploy, stop, `make local`, deploy the same stack: the face collection went
    with the engine, as moto's resources did (it used to persist, and CreateCollection found it,
    and CloudFormation answered 500)."""
    name = "morning"
    template = json.dumps({"Resources": {
        "Faces": {"Type": "AWS::Rekognition::Collection",
                  "Properties": {"CollectionId": f"{name}-faces"}},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "userid", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "userid", "KeyType": "HASH"}]}}},
        "Outputs": {"CollectionId": {"Value": {"Ref": "Faces"}}}})
    env = clean_environment()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    for day in ("monday", "tuesday"):
        port = free_port()
        engine = start_engine([sys.executable, "-m", "engine.server"], tmp_path,
                              {**env, "PYTHONPATH": str(ROOT)}, port)
        try:
            monkeypatch.setenv("AWS_ENDPOINT_URL", lines_until(engine, "http://")[-1])
            stack = Stack(boto3.session.Session(region_name="us-east-1"), name,
                          out=lambda _: None, poll_seconds=0.05)
            assert stack.deploy(template, {}) is True, day
            assert stack.outputs() == {"CollectionId": f"{name}-faces"}
        finally:
            stop(engine)
    assert not (tmp_path / ".ekyc").exists()

