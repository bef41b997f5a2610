"""The generated blocks of docs/operations.md: the alarms the template holds, with the metric
each watches and the parameter that sets its threshold, and what the bucket keeps how long.
Registered in ``generators.reference_docs.BLOCKS``."""

from __future__ import annotations

import re

from contract.keys import IMAGE_PREFIXES
from templates import alarms, retention


def _code(text: str) -> str:
    return f"`{text}`"


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return "#" + re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _threshold(watch: alarms.Watch, parameters: dict) -> str:
    if watch.parameter is None:
        return "any (more than 0)"
    default = parameters[watch.parameter]["Default"]
    return f"more than {_code(watch.parameter)} (default {_code(default)})"


def alarm_rows(template: dict) -> list[tuple]:
    """One row per kind of alarm: its runbook, metric, the alarms of the template on it."""
    by_metric: dict[tuple, list[str]] = {}
    for title, resource in template["Resources"].items():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            properties = resource["Properties"]
            by_metric.setdefault((properties["Namespace"], properties["MetricName"]),
                                 []).append(title)
    rows = []
    for watch in alarms.WATCHES:
        titles = by_metric.get((watch.namespace, watch.metric), [])
        rows.append((f"[{watch.runbook}]({_anchor(watch.runbook)})",
                     f"{_code(watch.namespace)} {_code(watch.metric)} ({watch.statistic})",
                     _threshold(watch, template["Parameters"]),
                     ", ".join(_code(title) for title in titles)))
    return rows


def retention_rows(template: dict) -> list[tuple]:
    parameter = template["Parameters"][retention.IMAGE_RETENTION]
    rule_ids = {rule["Id"] for rule in
                template["Resources"]["UploadBucket"]["Properties"]["LifecycleConfiguration"][
                    "Rules"]}
    return [(_code(prefix), _code(retention.IMAGE_RETENTION), _code(parameter["Default"]),
             _code(retention.rule_id(prefix)))
            for prefix in IMAGE_PREFIXES if retention.rule_id(prefix) in rule_ids]
