"""What became of a user's uploads, in one line and one exit code: the selfie's verdict once
there is one (it includes the ID document's), the ID document's before that.

    alice: pass (similarity 99.1)
    bob: fail: <the reason the workflow recorded>
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from contract.exit_codes import ExitCode
from contract.item import ERROR, FAIL, ID_DOCUMENT, PASS, PROCESSING, SELFIE, SIMILARITY

CODES = {PASS: ExitCode.PASSED, FAIL: ExitCode.FAILED, ERROR: ExitCode.SERVICE,
         PROCESSING: ExitCode.SERVICE}


@dataclass(frozen=True)
class Verdict:
    userid: str
    status: str | None  # pass, fail, error, processing; None: no record of the user
    reason: str | None
    similarity: float | None
    line: str
    code: ExitCode

    def as_json(self) -> dict:
        return {"userid": self.userid, "verdict": self.status, "reason": self.reason,
                "similarity": self.similarity, "exit_code": int(self.code)}


def shown_similarity(value: float | Decimal) -> str:
    """A similarity to one decimal, half up, as the workflows' reasons show it
    (``statemachines.asl.rounded_to_tenths``), so a table and a reason never disagree."""
    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def verdict(userid: str, item: dict) -> Verdict:
    if not item:
        return Verdict(userid, None, None, None,
                       f"{userid}: no record (nothing was uploaded for this user id)",
                       ExitCode.BAD_INPUT)
    similarity = item.get(SIMILARITY)
    if item.get(SELFIE.status):
        status, reason, what = item[SELFIE.status], item.get(SELFIE.reason), ""
    else:
        status, reason = item.get(ID_DOCUMENT.status), item.get(ID_DOCUMENT.reason)
        what = "ID document "
    if status == PASS:
        line = f"{userid}: {what}pass" + (" (no selfie yet)" if what else
                                          f" (similarity {shown_similarity(similarity)})"
                                          if isinstance(similarity, int | float) else "")
    elif status == PROCESSING:
        line = f"{userid}: {what}still processing"
    else:
        line = f"{userid}: {what}{status}: {reason or 'no reason recorded'}"
    return Verdict(userid, status, reason, similarity, line, CODES.get(status, ExitCode.SERVICE))
