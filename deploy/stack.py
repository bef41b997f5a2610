"""A CloudFormation stack's lifecycle, on AWS or on the embedded engine: ``Stack``.

boto3 finds credentials and the target as usual: ``AWS_PROFILE``, ``AWS_REGION`` (``session_for``)
and ``AWS_ENDPOINT_URL`` (the embedded engine, for instance).

``deploy`` goes through a change set, so what will change is shown before it happens; then it
follows the stack's events until the stack settles, and prints the outputs. A failed deployment
names each failing resource with its reason (``DeployError``). Deploying an unchanged template
says so. The template is larger than the 51,200 bytes CloudFormation accepts inline, so it is
uploaded first to an artifacts bucket (``ekyc-deploy-<account>-<region>``, created private,
encrypted and TLS-only on first use).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from deploy.package_lambdas import build_zip

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE = ROOT / "templates" / "ekyc.template.json"
POLL_SECONDS = 2.0
SETTLED = ("_COMPLETE", "_FAILED")
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


class DeployError(Exception):
    """A deployment that did not succeed; the message says why."""


class BadInput(DeployError):
    """What the person asked for cannot be deployed: a malformed or unknown parameter."""


class StackMissing(DeployError):
    """The stack does not exist (in this account, region and endpoint)."""


def parse_parameters(pairs: list[str]) -> dict[str, str]:
    """``["Key=Value", ...]`` -> dict; a pair without ``=`` is an error."""
    parameters = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise BadInput(f"parameter {pair!r}: write it as Key=Value")
        parameters[key] = value
    return parameters


def template_parameters(template: str) -> dict[str, dict] | None:
    """The ``Parameters`` a JSON template declares; None if the template is not JSON (then
    CloudFormation alone checks what is passed)."""
    try:
        return json.loads(template).get("Parameters", {})
    except (ValueError, AttributeError):
        return None


def check_parameters(template: str, parameters: dict[str, str]) -> None:
    """Refuse a parameter the template does not declare before CloudFormation is called."""
    declared = template_parameters(template)
    unknown = sorted(set(parameters) - set(declared)) if declared is not None else []
    if unknown:
        raise BadInput(f"the template has no parameter {', '.join(unknown)} (it has: "
                       f"{', '.join(declared) or 'none'})")


def parameter_changes(stack: dict, template: str,
                      parameters: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, before, after) for each parameter whose value the update changes: one that is
    not passed takes the template's default, as CloudFormation gives it."""
    declared = template_parameters(template) or {}
    before = {p["ParameterKey"]: p.get("ParameterValue", "") for p in
              stack.get("Parameters", [])}
    changes = []
    for name, declaration in declared.items():
        after = parameters.get(name, str(declaration.get("Default", "")))
        if before.get(name, "") != after:
            hidden = declaration.get("NoEcho") in (True, "true", "True")
            changes.append((name, "****" if hidden else before.get(name, "(none)"),
                            "****" if hidden else after))
    return changes


class Stack:
    """One CloudFormation stack and the calls that manage it."""

    def __init__(self, session: boto3.session.Session, name: str,
                 out: Callable[[str], None] = print, poll_seconds: float = POLL_SECONDS):
        self.session, self.name, self.out, self.poll_seconds = session, name, out, poll_seconds
        self.cfn = session.client("cloudformation")
        self.s3 = session.client("s3")
        self.stack_id: str | None = None  # events of a deleted stack are found by its id

    # --- reading ---------------------------------------------------------------------------
    def describe(self) -> dict | None:
        try:
            stack = self.cfn.describe_stacks(StackName=self.name)["Stacks"][0]
            self.stack_id = stack.get("StackId", self.stack_id)
            return stack
        except ClientError as error:
            if "does not exist" in str(error):
                return None
            raise

    @staticmethod
    def outputs_of(stack: dict) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def outputs(self) -> dict[str, str]:
        stack = self.describe()
        if stack is None:
            raise StackMissing(f"stack {self.name} does not exist")
        return self.outputs_of(stack)

    def print_outputs(self) -> None:
        outputs = self.outputs()
        width = max(map(len, outputs), default=0)
        for key, value in sorted(outputs.items()):
            self.out(f"  {key:<{width}}  {value}")

    # --- deploying -------------------------------------------------------------------------
    def _artifacts_bucket(self) -> str:
        account = self.session.client("sts").get_caller_identity()["Account"]
        region = self.session.region_name or "us-east-1"
        bucket = f"ekyc-deploy-{account}-{region}"
        try:
            self.s3.head_bucket(Bucket=bucket)
            return bucket
        except ClientError:
            pass
        options = {} if region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        self.s3.create_bucket(Bucket=bucket, **options)
        self.s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        self.s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        if not self.s3.meta.endpoint_url.startswith("https://"):
            # A local engine speaks plain HTTP: a TLS-only policy would refuse every request.
            self.out(f"created artifacts bucket {bucket} (no TLS-only policy: plain HTTP)")
            return bucket
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket}",
                                               f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
        self.out(f"created artifacts bucket {bucket}")
        return bucket

    def _upload(self, template: str) -> str:
        bucket = self._artifacts_bucket()
        key = f"{self.name}/{hashlib.sha256(template.encode()).hexdigest()[:16]}.json"
        self.s3.put_object(Bucket=bucket, Key=key, Body=template.encode())
        region = self.session.region_name or "us-east-1"
        return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"

    def upload_artifact(self, path: Path) -> tuple[str, str]:
        """Put a file (a function's zip) in the artifacts bucket: (bucket, key). The key names
        the content, so an unchanged zip leaves the function unchanged."""
        bucket = self._artifacts_bucket()
        data = path.read_bytes()
        key = f"{self.name}/{hashlib.sha256(data).hexdigest()[:16]}{path.suffix}"
        self.s3.put_object(Bucket=bucket, Key=key, Body=data)
        return bucket, key

    def thumbnail_code(self, *, with_pillow: bool = True) -> dict[str, str]:
        """Build the thumbnail function's zip, upload it, and name it in the parameters the
        template takes. ``with_pillow=False``: the handler alone, for the embedded engine,
        which runs it with this process's Pillow."""
        with tempfile.TemporaryDirectory() as directory:
            zipped = build_zip(Path(directory) / "thumbnail.zip", with_pillow=with_pillow)
            bucket, key = self.upload_artifact(zipped)
        self.out(f"uploaded the thumbnail function to s3://{bucket}/{key}")
        return {"ThumbnailCodeBucket": bucket, "ThumbnailCodeKey": key}

    def deploy(self, template: str, parameters: dict[str, str]) -> bool:
        """Create or update the stack. False if there was nothing to change."""
        check_parameters(template, parameters)
        existing = self.describe()
        if existing and existing["StackStatus"].endswith("_IN_PROGRESS") and \
                existing["StackStatus"] != "REVIEW_IN_PROGRESS":
            raise DeployError(f"stack {self.name} is busy ({existing['StackStatus']})")
        if existing and existing["StackStatus"] == "ROLLBACK_COMPLETE":
            raise DeployError(f"stack {self.name} failed to create and was rolled back; "
                              "destroy it first")
        creating = existing is None or existing["StackStatus"] == "REVIEW_IN_PROGRESS"
        changed = [] if creating else parameter_changes(existing, template, parameters)
        change_set = f"ekyc-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.cfn.create_change_set(
            StackName=self.name, ChangeSetName=change_set,
            ChangeSetType="CREATE" if creating else "UPDATE",
            TemplateURL=self._upload(template), Capabilities=["CAPABILITY_IAM"],
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()])
        described = self._settled_change_set(change_set)
        if described["Status"] == "FAILED":
            reason = described.get("StatusReason", "")
            if any(marker in reason for marker in NO_CHANGES):
                self.cfn.delete_change_set(StackName=self.name, ChangeSetName=change_set)
                self.out(f"stack {self.name} is up to date: nothing to deploy")
                return False
            raise DeployError(f"change set {change_set} failed: {reason}")
        self._show_changes(described, changed)
        started = self._latest_event_time()
        self.cfn.execute_change_set(StackName=self.name, ChangeSetName=change_set)
        status = self._follow_events(started, total=len(described["Changes"]))
        if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
            raise DeployError(f"stack {self.name} ended {status}")
        self.out("outputs:")
        self.print_outputs()
        return True

    def _settled_change_set(self, change_set: str) -> dict:
        while True:
            described = self.cfn.describe_change_set(StackName=self.name,
                                                     ChangeSetName=change_set)
            if described["Status"] in ("CREATE_COMPLETE", "FAILED"):
                return described
            time.sleep(self.poll_seconds)

    def _show_changes(self, described: dict, parameters: list[tuple[str, str, str]]) -> None:
        self.out(f"change set {described['ChangeSetName']}: "
                 f"{len(described['Changes'])} resource change(s), "
                 f"{len(parameters)} parameter change(s)")
        for name, before, after in parameters:
            self.out(f"  Parameter {name}: {before} -> {after}")
        for change in described["Changes"]:
            resource = change["ResourceChange"]
            replacement = resource.get("Replacement")
            suffix = f" (replacement: {replacement})" if replacement else ""
            self.out(f"  {resource['Action']:<7} {resource['LogicalResourceId']:<40} "
                     f"{resource['ResourceType']}{suffix}")

    def _events(self) -> list[dict]:
        events, token = [], None
        while True:
            page = self.cfn.describe_stack_events(StackName=self.stack_id or self.name,
                                                  **({"NextToken": token} if token else {}))
            events += page["StackEvents"]
            token = page.get("NextToken")
            if not token:
                return events

    def _latest_event_time(self):
        try:
            events = self._events()
        except ClientError:
            return None
        return max((event["Timestamp"] for event in events), default=None)

    def _follow_events(self, after, total: int) -> str:
        """Print each new event, oldest first, until the stack settles; its final status."""
        seen: set[str] = set()
        done: set[str] = set()
        started = time.monotonic()
        while True:
            for event in sorted(self._events(), key=lambda e: e["Timestamp"]):
                if event["EventId"] in seen or (after and event["Timestamp"] <= after):
                    continue
                seen.add(event["EventId"])
                resource, status = event["LogicalResourceId"], event["ResourceStatus"]
                if resource != self.name and status.endswith("_COMPLETE"):
                    done.add(resource)
                reason = event.get("ResourceStatusReason")
                self.out(f"  [{len(done):>3}/{total}] {time.monotonic() - started:6.1f}s "
                         f"{status:<28} {resource}" + (f": {reason}" if reason and
                                                       status.endswith("FAILED") else ""))
            stack = self.describe()
            status = stack["StackStatus"] if stack else "DELETE_COMPLETE"
            if status.endswith(SETTLED) and not status.endswith("_IN_PROGRESS"):
                if "ROLLBACK" in status or status.endswith("FAILED"):
                    self._report_failures(after)
                return status
            time.sleep(self.poll_seconds)

    def _report_failures(self, after) -> None:
        failed = [e for e in self._events() if e["ResourceStatus"].endswith("_FAILED")
                  and (not after or e["Timestamp"] > after)]
        for event in sorted(failed, key=lambda e: e["Timestamp"]):
            self.out(f"FAILED {event['LogicalResourceId']} ({event['ResourceType']}): "
                     f"{event.get('ResourceStatusReason', 'no reason given')}")

    # --- destroying ------------------------------------------------------------------------
    def destroy(self, confirm: Callable[[str], bool]) -> bool:
        """Empty the upload bucket (after ``confirm``), delete the stack and wait. False if
        the person declined or there was no stack."""
        stack = self.describe()
        if stack is None:
            self.out(f"stack {self.name} does not exist: nothing to destroy")
            return False
        bucket = self.outputs_of(stack).get("BucketName")
        question = f"Delete stack {self.name}" + (
            f" and every object in bucket {bucket}" if bucket else "") + "?"
        if not confirm(question):
            self.out("nothing deleted")
            return False
        if bucket:
            self._empty(bucket)
        resources = len(self.cfn.list_stack_resources(StackName=self.name)[
            "StackResourceSummaries"])
        started = self._latest_event_time()
        self.cfn.delete_stack(StackName=self.name)
        status = self._follow_events(started, total=resources)
        if status != "DELETE_COMPLETE":
            raise DeployError(f"stack {self.name} ended {status}")
        self.out(f"stack {self.name} deleted")
        return True

    def _empty(self, bucket: str) -> None:
        removed = 0
        paginator = self.s3.get_paginator("list_object_versions")
        try:
            for page in paginator.paginate(Bucket=bucket):
                objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                           for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
                for start in range(0, len(objects), 1000):
                    self.s3.delete_objects(Bucket=bucket, Delete={
                        "Objects": objects[start:start + 1000], "Quiet": True})
                removed += len(objects)
        except ClientError as error:
            if "NoSuchBucket" not in str(error):
                raise
        self.out(f"emptied bucket {bucket} ({removed} object versions)")


def session_for(region: str | None = None) -> boto3.session.Session:
    """boto3's usual settings (AWS_PROFILE, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL), and
    AWS_REGION too, which boto3 alone does not read."""
    return boto3.session.Session(region_name=region or os.environ.get("AWS_REGION") or None)
