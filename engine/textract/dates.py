"""Dates as identity documents print them, read into AnalyzeID's normalised form.

Textract's ``NormalizedValue`` is "only returned for dates" and gives "the date written in a
more machine readable way" (Amazon Textract API reference, ``AnalyzeIDDetections`` and
``NormalizedValue``: ``ValueType`` ``Date``, a value such as ``2021-12-31T00:00:00``).
"""

from __future__ import annotations

import datetime
import re

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# A year first, one of its two separators possibly lost by OCR ("203405-16").
_YEAR_FIRST = re.compile(r"(\d{4})\s*([./-])?\s*(\d{2})\s*([./-])?\s*(\d{2})(?!\d)")
_NUMERIC = re.compile(r"(\d{1,4})\s*([./-])\s*(\d{1,2})\s*[./-]\s*(\d{1,4})")
_NAMED = re.compile(r"(\d{1,2})\s*([A-Z0]\s?[A-Z0]\s?[A-Z0])[A-Z]*\.?\s*(\d{4})")
_O_FOR_ZERO = str.maketrans("0", "O")  # OCR reads the O of NOV or OCT as a zero


def parse(text: str) -> tuple[datetime.date, str] | None:
    """The date ``text`` holds and the text as printed (spacing restored), or None.

    Formats: ``YYYY-MM-DD`` (a separator OCR lost is put back), ``DD.MM.YYYY``, ``DD-MM-YYYY``,
    ``MM/DD/YYYY`` (the US order, as on the US licences AnalyzeID reads; ``DD/MM/YYYY`` where
    the first number is over 12) and ``DD MMM YYYY``.
    """
    upper = text.upper()
    named = _NAMED.search(upper)
    month = named and named[2].replace(" ", "").translate(_O_FOR_ZERO)
    if named and month in MONTHS:
        printed = f"{named[1]} {month} {named[3]}"
        return _date(int(named[3]), MONTHS.index(month) + 1, int(named[1]), printed)
    year_first = _YEAR_FIRST.search(upper)
    if year_first and (separator := year_first[2] or year_first[4]):
        year, month, day = int(year_first[1]), int(year_first[3]), int(year_first[5])
        printed = f"{year_first[1]}{separator}{year_first[3]}{separator}{year_first[5]}"
        return _date(year, month, day, printed)
    if numeric := _NUMERIC.search(upper):
        first, separator, middle, last = numeric.groups()
        printed = f"{first}{separator}{middle}{separator}{last}"
        if len(first) == 4:
            return _date(int(first), int(middle), int(last), printed)
        if len(last) != 4:
            return None
        if separator == "/" and int(first) <= 12:
            return _date(int(last), int(first), int(middle), printed)
        return _date(int(last), int(middle), int(first), printed)
    return None


def _date(year: int, month: int, day: int, printed: str) -> tuple[datetime.date, str] | None:
    try:
        return datetime.date(year, month, day), printed
    except ValueError:
        return None


def normalized(day: datetime.date) -> dict:
    return {"Value": f"{day.isoformat()}T00:00:00", "ValueType": "Date"}
