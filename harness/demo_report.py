"""What `make demo` prints of its story: a table of the uploads and one of the API calls, each
column explained once beneath, reasons whole (wrapped, never cut), the ID fields read, and the
verdict: how many outcomes are the ones declared in ``harness/story.py``, or which differ."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from client.verdict import shown_similarity
from contract.item import ID_DOCUMENT, ID_FIELD_PREFIX, SELFIE, SIMILARITY
from harness.story import UPLOADS, ApiStep, Leftovers, Outcome, differences
from statemachines.id_fields import FIELDS

GAP = "  "
NARROWEST_REASON = 24  # the last column wraps, but never narrower than this

UPLOADS_LEGEND = (
    "upload: what was put in the bucket; status: the user's item once its workflow ended "
    "(refused: the starter refused the key, its message went to the dead-letter queue); "
    "similarity: of the selfie's face to the ID card's, in %; states: how many states the "
    "workflow went through (-v names them); reason: why it did not pass")
API_LEGEND = (
    "request: the user and the pictures sent; answer: the HTTP status code and the answer's "
    "status; similarity: as above; reason: the answer's")


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """``rows`` under ``header`` in aligned columns. The last column wraps onto continuation
    lines to fit ``width``, at spaces only (an id stays whole), never narrower than
    ``NARROWEST_REASON``."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    fixed = sum(widths[:-1]) + len(GAP) * (len(widths) - 1)
    widths[-1] = min(widths[-1], max(NARROWEST_REASON, len(header[-1]), width - fixed))

    def line(cells: Sequence[str]) -> str:
        return GAP.join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(header), line(["-" * w for w in widths])]
    for row in rows:
        pieces = textwrap.wrap(row[-1], widths[-1], break_long_words=False,
                               break_on_hyphens=False) or [""]
        lines.append(line([*row[:-1], pieces[0]]))
        lines += [line([""] * (len(row) - 1) + [piece]) for piece in pieces[1:]]
    return lines


def legend(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False)


def similarity(value) -> str:
    return shown_similarity(value) if value is not None else ""


def uploads_table(outcomes: list[Outcome], width: int) -> list[str]:
    rows = [(o.step.user, f"{o.step.kind}: {o.step.story}", o.status,
             similarity(o.item.get(SIMILARITY) if UPLOADS[o.step.kind] is SELFIE else None),
             str(len(o.path)) if o.path else "", o.reason) for o in outcomes]
    header = ("user", "upload", "status", "similarity", "states", "reason")
    return grid(header, rows, width) + legend(UPLOADS_LEGEND, width)


def api_table(answers: list[tuple[ApiStep, int, dict]], width: int) -> list[str]:
    rows = [(step.route, f"{step.user}: {step.story}" if step.user else step.story,
             f"{http} {body.get('status', '')}", similarity(body.get("similarity")),
             str(body.get("reason", ""))) for step, http, body in answers]
    header = ("route", "request", "answer", "similarity", "reason")
    return grid(header, rows, width) + legend(API_LEGEND, width)


def id_fields(outcomes: list[Outcome], width: int) -> list[str]:
    """The fields Textract AnalyzeID read off each accepted ID card, one row per reading."""
    readings: dict[tuple[str, ...], list[str]] = {}
    for outcome in outcomes:
        if UPLOADS[outcome.step.kind] is ID_DOCUMENT and outcome.status == "pass":
            values = tuple(str(outcome.item.get(f"{ID_FIELD_PREFIX}{name}", ""))
                           for name in FIELDS)
            readings.setdefault(values, []).append(outcome.step.user)
    rows = [(*values, ", ".join(users)) for values, users in readings.items()]
    return grid((*FIELDS, "ID cards of"), rows, width)


def aftermath(notifications: list[dict], dead_keys: list[str], width: int) -> list[str]:
    """The SNS failure notifications and the dead-letter queue's messages, a line each."""
    notified = ", ".join(message["userid"] for message in notifications) or "none"
    kept = ", ".join(repr(key) for key in dead_keys) or "none"
    return ["", *textwrap.wrap(f"SNS failure notifications: {notified}", width),
            *textwrap.wrap(f"selfie dead-letter queue, kept intact: {kept}", width)]


def erasures(left: list[Leftovers], width: int) -> list[str]:
    """What is left of each erased user: the item, faces and pictures looked for."""
    return [line for kept in left for line in textwrap.wrap(
        f"left of {kept.user} after DELETE /user (item, faces, pictures): {kept.status}",
        width)]


def verdict(outcomes: list[Outcome], answers: list[tuple[ApiStep, int, dict]],
            left: list[Leftovers]) -> tuple[list[str], int]:
    """The last lines and the exit status: 0 and ``N of N outcomes as expected`` when every
    upload and API call ended as declared beside its step; else 1, a line for each that
    differs (expected, got) and a last line that names them."""
    found = differences(outcomes, answers, left)
    total = len(outcomes) + len(answers) + len(left)
    if not found:
        return [f"{total} of {total} outcomes as expected"], 0
    return [*(f"differs: {difference}" for difference in found),
            f"{total - len(found)} of {total} outcomes as expected; differ: "
            + "; ".join(difference.row for difference in found)], 1
