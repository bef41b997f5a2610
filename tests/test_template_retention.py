"""How long the upload bucket keeps pictures (templates/retention.py), read off the generated
template: every prefix that holds a user's pictures expires after ImageRetentionDays, 0 keeps
them, and incomplete multipart uploads are aborted. The engine does not run lifecycle rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

from contract import keys

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
BUCKET = TEMPLATE["Resources"]["UploadBucket"]["Properties"]
RULES = BUCKET["LifecycleConfiguration"]["Rules"]
EXPIRING = {rule["Prefix"]: rule for rule in RULES if "ExpirationInDays" in rule}


def prefixes_written_in_the_template() -> set[str]:
    """Every prefix the template lets anything write to or notify on in the bucket."""
    text = json.dumps(TEMPLATE["Resources"])
    written = set(re.findall(r"\$\{UploadBucket\.Arn\}/([a-z_]+/)\*", text))
    notified = {rule["Value"] for configuration in
                BUCKET["NotificationConfiguration"]["QueueConfigurations"]
                for rule in configuration["Filter"]["S3Key"]["Rules"]}
    return written | notified


def test_each_image_prefix_expires_after_the_retention_parameter():
    assert set(EXPIRING) == {keys.ID_DOCUMENT_PREFIX, keys.SELFIE_PREFIX, keys.API_PREFIX,
                             keys.THUMBNAIL_PREFIX}
    for rule in EXPIRING.values():
        assert rule["Status"] == {"Fn::If": ["ExpiresImages", "Enabled", "Disabled"]}
        assert rule["ExpirationInDays"]["Fn::If"][:2] == [
            "ExpiresImages", {"Ref": "ImageRetentionDays"}]


def test_no_prefix_of_the_bucket_escapes_retention():
    assert prefixes_written_in_the_template() <= set(EXPIRING)


def test_zero_keeps_the_pictures():
    """S3 takes no expiration of 0 days (LifecycleExpiration, Amazon S3 API Reference: Days
    "must be a non-zero positive integer"): at 0 the rules are disabled, never 0."""
    assert TEMPLATE["Conditions"]["ExpiresImages"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ImageRetentionDays"}, 0]}]}
    parameter = TEMPLATE["Parameters"]["ImageRetentionDays"]
    assert (parameter["Type"], parameter["Default"], parameter["MinValue"]) == (
        "Number", "0", "0")
    for rule in EXPIRING.values():
        when_kept = rule["ExpirationInDays"]["Fn::If"][2]
        assert isinstance(when_kept, int) and when_kept >= 1


def test_incomplete_multipart_uploads_are_aborted_everywhere():
    (abort,) = [rule for rule in RULES if "AbortIncompleteMultipartUpload" in rule]
    assert "Prefix" not in abort and "Filter" not in abort
    assert abort["Status"] == "Enabled"
    assert abort["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1


def test_the_bucket_keeps_no_old_versions_to_expire():
    """Unversioned: an expired or replaced picture leaves no noncurrent version behind, so no
    rule needs NoncurrentVersionExpiration. Turning versioning on must add one."""
    assert "VersioningConfiguration" not in BUCKET
