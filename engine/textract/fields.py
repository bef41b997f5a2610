"""The fields of an identity document, found among its text lines by their printed labels
(SURNAME, GIVEN NAMES, DATE OF BIRTH, DOCUMENT NO, EXPIRES, ...) and by its MRZ.

A label's value is the line right of it on the same row or, failing that, the nearest line
below it; a line may also hold its label and value together ("DOB 19.11.1956"). Where the
card has a machine readable zone whose check digits hold, it fills what the labels left out
and tells where the given names part.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from . import dates, mrz
from .ocr import Line, words

# Textract's normalised fields, in the order of the developer guide's lists ("Analyzing
# Identity Documents", "Identity Documentation Response Objects"): every one is answered, with
# an empty text where the document shows none.
STANDARD_FIELDS = (
    "FIRST_NAME", "LAST_NAME", "MIDDLE_NAME", "SUFFIX", "CITY_IN_ADDRESS", "ZIP_CODE_IN_ADDRESS",
    "STATE_IN_ADDRESS", "COUNTY", "DOCUMENT_NUMBER", "EXPIRATION_DATE", "DATE_OF_BIRTH",
    "STATE_NAME", "DATE_OF_ISSUE", "CLASS", "RESTRICTIONS", "ENDORSEMENTS", "ID_TYPE", "VETERAN",
    "ADDRESS", "PLACE_OF_BIRTH", "MRZ_CODE",
)
DATE_FIELDS = {"EXPIRATION_DATE", "DATE_OF_BIRTH", "DATE_OF_ISSUE"}
GIVEN_NAMES = "GIVEN_NAMES"  # read from the card, answered as FIRST_NAME and MIDDLE_NAME
LABELS = {  # the label as read, letters and digits only -> what it labels
    "SURNAME": "LAST_NAME", "LASTNAME": "LAST_NAME", "FAMILYNAME": "LAST_NAME", "LN": "LAST_NAME",
    "GIVENNAMES": GIVEN_NAMES, "GIVENNAME": GIVEN_NAMES, "FORENAMES": GIVEN_NAMES,
    "FIRSTNAME": GIVEN_NAMES, "FN": GIVEN_NAMES,
    "MIDDLENAME": "MIDDLE_NAME", "SUFFIX": "SUFFIX",
    "DATEOFBIRTH": "DATE_OF_BIRTH", "BIRTHDATE": "DATE_OF_BIRTH", "DOB": "DATE_OF_BIRTH",
    "BORN": "DATE_OF_BIRTH",
    "DOCUMENTNO": "DOCUMENT_NUMBER", "DOCUMENTNUMBER": "DOCUMENT_NUMBER",
    "DOCNO": "DOCUMENT_NUMBER",
    "DOCUMENT": "DOCUMENT_NUMBER", "IDNO": "DOCUMENT_NUMBER", "CARDNO": "DOCUMENT_NUMBER",
    "PASSPORTNO": "DOCUMENT_NUMBER", "LICENSENO": "DOCUMENT_NUMBER", "DLN": "DOCUMENT_NUMBER",
    "EXPIRES": "EXPIRATION_DATE", "EXPIRY": "EXPIRATION_DATE", "DATEOFEXPIRY": "EXPIRATION_DATE",
    "EXPIRYDATE": "EXPIRATION_DATE", "VALIDUNTIL": "EXPIRATION_DATE", "EXP": "EXPIRATION_DATE",
    "DATEOFISSUE": "DATE_OF_ISSUE", "ISSUED": "DATE_OF_ISSUE", "ISSUEDATE": "DATE_OF_ISSUE",
    "ISS": "DATE_OF_ISSUE",
    "PLACEOFBIRTH": "PLACE_OF_BIRTH", "ADDRESS": "ADDRESS", "COUNTY": "COUNTY",
    "CLASS": "CLASS", "RESTRICTIONS": "RESTRICTIONS", "ENDORSEMENTS": "ENDORSEMENTS",
}
# A label glued to its value is only trusted when it is this long or followed by a colon:
# "LN", "DOB" or "CLASS" could start a value (CLASSEN).
INLINE_LABEL_MIN = 7
_LONGEST_FIRST = sorted(LABELS, key=len, reverse=True)


@dataclass(frozen=True)
class Detection:
    text: str
    confidence: float = 0.0  # 0-100
    date: datetime.date | None = None
    words: tuple[str, ...] = ()  # where OCR left the spaces out, the words the image shows


_LABEL_LETTERS = str.maketrans("015", "OIS")  # labels hold no digits: a 0 there is an O


def squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def label_of(text: str) -> tuple[str, str] | None:
    """(field, value) of a line holding a label, the value empty when the line is the label
    alone; None for any other line."""
    squashed = squash(text).translate(_LABEL_LETTERS)
    for label in _LONGEST_FIRST:
        if squashed == label:
            return LABELS[label], ""
        if squashed.startswith(label):
            end = _end_of(text, len(label))
            value = text[end:].strip(" :.-/")
            separated = text[end:end + 1] in (" ", ":")
            if value and (len(label) >= INLINE_LABEL_MIN or separated):
                return LABELS[label], value
    return None


def _end_of(text: str, letters: int) -> int:
    """Where the first ``letters`` letters and digits of ``text`` end."""
    seen = 0
    for index, char in enumerate(text):
        if seen == letters:
            return index
        seen += char.isalnum()
    return len(text)


def labelled_values(lines: list[Line]) -> dict[str, Detection]:
    """What each label on the card says."""
    found: dict[str, Detection] = {}
    labels, values = [], []
    for line in lines:
        labelled = label_of(line.text)
        if labelled is None:
            values.append(line)
        elif labelled[1]:
            start = line.text.rfind(labelled[1])
            found.setdefault(labelled[0], Detection(
                labelled[1], 100 * line.confidence,
                words=tuple(words(line, start, start + len(labelled[1])))))
        else:
            labels.append((labelled[0], line))
    for field, label in labels:
        value = _value_for(label, values)
        if value is not None and field not in found:
            values.remove(value)
            found[field] = Detection(value.text.strip(), 100 * value.confidence,
                                     words=tuple(words(value)))
    return found


def _value_for(label: Line, lines: list[Line]) -> Line | None:
    height = label.height
    middle = (label.box[1] + label.box[3]) / 2
    right = [line for line in lines if line.box[0] >= label.box[2] - height
             and abs((line.box[1] + line.box[3]) / 2 - middle) < 0.7 * max(height, line.height)]
    if right:
        return min(right, key=lambda line: line.box[0])
    below = [line for line in lines if line.box[1] >= label.box[3] - 0.3 * height
             and line.box[1] - label.box[3] < 2 * max(height, line.height)
             and line.box[0] < label.box[2] and line.box[2] > label.box[0]]
    return min(below, key=lambda line: line.box[1]) if below else None


def read(lines: list[Line]) -> dict[str, Detection]:
    """Every standard field of the document whose text lines are ``lines``."""
    found = labelled_values(lines)
    ordered = sorted(lines, key=lambda line: (line.box[1], line.box[0]))
    zone = mrz.parse([line.text for line in ordered])
    _names(found, zone or mrz.names_line([line.text for line in ordered]))
    for field in DATE_FIELDS & set(found):
        parsed = dates.parse(found[field].text)
        if parsed is not None:
            found[field] = Detection(parsed[1], found[field].confidence, parsed[0])
    if zone is not None:
        _from_zone(found, zone)
    found["ID_TYPE"] = _id_type(ordered, zone)
    if zone is not None:
        found["MRZ_CODE"] = Detection("\n".join(zone.lines), 99.0)
    return {field: found.get(field, Detection("")) for field in STANDARD_FIELDS}


def _names(found: dict[str, Detection], zone: mrz.Names | None) -> None:
    given = found.pop(GIVEN_NAMES, None)
    if given is None:
        return
    names = list(given.words) or given.text.split()
    if zone is not None and squash(given.text) == squash("".join(zone.given_names)):
        names = list(zone.given_names)  # the zone says where the names part
    if names:
        found["FIRST_NAME"] = Detection(names[0], given.confidence)
    if len(names) > 1 and "MIDDLE_NAME" not in found:
        found["MIDDLE_NAME"] = Detection(" ".join(names[1:]), given.confidence)


def _from_zone(found: dict[str, Detection], zone: mrz.Zone) -> None:
    confidence = 99.0  # every check digit held
    fallbacks = {
        "LAST_NAME": Detection(zone.last_name, confidence),
        "FIRST_NAME": Detection(zone.given_names[0] if zone.given_names else "", confidence),
        "MIDDLE_NAME": Detection(" ".join(zone.given_names[1:]), confidence),
        "DOCUMENT_NUMBER": Detection(zone.document_number, confidence),
        "DATE_OF_BIRTH": Detection(zone.date_of_birth.isoformat(), confidence,
                                   zone.date_of_birth),
        "EXPIRATION_DATE": Detection(zone.expiry.isoformat(), confidence, zone.expiry),
    }
    for field, detection in fallbacks.items():
        if not found.get(field, Detection("")).text and detection.text:
            found[field] = detection


def _id_type(lines: list[Line], zone: mrz.Zone | None) -> Detection:
    """AnalyzeID's ID_TYPE for the two kinds it knows ("DRIVER LICENSE FRONT", "PASSPORT")."""
    text = squash(" ".join(line.text for line in lines))
    if (zone is not None and zone.document_type == "P") or "PASSPORT" in text:
        return Detection("PASSPORT", 90.0)
    if "DRIVER" in text and "LICEN" in text:
        return Detection("DRIVER LICENSE FRONT", 90.0)
    return Detection("")
