"""Machine readable zones (ICAO Doc 9303): TD1 cards (3 lines of 30) and TD3 passports (2 lines
of 44), read only when every check digit holds.

OCR confuses letters and digits that look alike; where the format says a position holds a digit
(or a letter) the look-alike is put back before the check digits are tested.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

WEIGHTS = (7, 3, 1)
_TO_DIGIT = str.maketrans("OQDIZSBG", "00011582")
_TO_LETTER = str.maketrans("0182", "OIBZ")
_ALLOWED = re.compile(r"[^A-Z0-9<]")


def check_digit(field: str) -> str:
    """ICAO 9303 part 3: digits count as themselves, A-Z as 10-35, ``<`` as 0, weighted 7-3-1."""
    total = 0
    for index, char in enumerate(field):
        value = int(char) if char.isdigit() else (ord(char) - 55 if char.isalpha() else 0)
        total += value * WEIGHTS[index % 3]
    return str(total % 10)


@dataclass(frozen=True)
class Names:
    last_name: str
    given_names: tuple[str, ...]


@dataclass(frozen=True)
class Zone(Names):
    lines: tuple[str, ...]
    document_type: str  # "I", "A", "C" for cards, "P" for passports
    document_number: str
    date_of_birth: datetime.date
    expiry: datetime.date


def clean(line: str) -> str:
    """A line of OCR text as MRZ characters: upper case, no spaces, look-alikes of ``<``."""
    text = line.upper().replace(" ", "").replace("«", "<<").replace("‹", "<").replace("×", "X")
    return _ALLOWED.sub("<", text)


def candidates(lines: list[str]) -> list[str]:
    """The lines that look like an MRZ line: long, with fillers."""
    return [cleaned for cleaned in map(clean, lines) if len(cleaned) >= 28 and "<<" in cleaned]


def parse(lines: list[str]) -> Zone | None:
    """The zone in ``lines`` (OCR text, in reading order), or None when none passes its checks."""
    found = candidates(lines)
    for start in range(len(found)):
        if (zone := _td1(found[start:start + 3])) or (zone := _td3(found[start:start + 2])):
            return zone
    return None


def names_line(lines: list[str]) -> Names | None:
    """The names in a TD1 zone's names line, which carries no check digit: the surname, two
    fillers, the given names parted by one filler. Only where the given names part is trusted
    from it, not the names themselves."""
    for line in candidates(lines):
        last, given = _names(line)
        if last and given and re.fullmatch(r"[A-Z<]+", _letters(line)):
            return Names(last, given)
    return None


def _digits(text: str) -> str:
    return text.translate(_TO_DIGIT)


def _letters(text: str) -> str:
    return text.translate(_TO_LETTER)


def _fit(line: str, length: int) -> str:
    return (line + "<" * length)[:length]


def _date(yymmdd: str, *, future: bool) -> datetime.date | None:
    if not yymmdd.isdigit():
        return None
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    this_year = datetime.date.today().year % 100
    # A birth date lies in the past; an expiry date within the next decades.
    century = 2000 if (future or year <= this_year) else 1900
    try:
        return datetime.date(century + year, month, day)
    except ValueError:
        return None


def _names(line: str) -> tuple[str, tuple[str, ...]]:
    last, _, given = _letters(line).strip("<").partition("<<")
    return (last.replace("<", " ").strip(),
            tuple(name for name in given.split("<") if name))


def _td1(lines: list[str]) -> Zone | None:
    if len(lines) != 3 or not all(28 <= len(line) <= 32 for line in lines):
        return None
    first, second, third = (_fit(line, 30) for line in lines)
    number, number_check = first[5:14], _digits(first[14])
    birth, birth_check = _digits(second[0:6]), _digits(second[6])
    expiry, expiry_check = _digits(second[8:14]), _digits(second[14])
    composite = first[5:30] + birth + birth_check + expiry + expiry_check + second[18:29]
    if not (check_digit(number) == number_check and check_digit(birth) == birth_check
            and check_digit(expiry) == expiry_check
            and check_digit(composite) == _digits(second[29])):
        return None
    lines = (_letters(first[:5]) + first[5:14] + _digits(first[14]) + first[15:],
             _digits(second[:7]) + second[7] + _digits(second[8:15]) + _letters(second[15:18])
             + second[18:29] + _digits(second[29]), _letters(third))
    return _zone(lines, _letters(first[0]), number, third, birth, expiry)


def _td3(lines: list[str]) -> Zone | None:
    if len(lines) != 2 or not all(42 <= len(line) <= 46 for line in lines):
        return None
    first, second = (_fit(line, 44) for line in lines)
    number, number_check = second[0:9], _digits(second[9])
    birth, birth_check = _digits(second[13:19]), _digits(second[19])
    expiry, expiry_check = _digits(second[21:27]), _digits(second[27])
    if not (check_digit(number) == number_check and check_digit(birth) == birth_check
            and check_digit(expiry) == expiry_check):
        return None
    lines = (_letters(first), second[:9] + _digits(second[9]) + _letters(second[10:13])
             + _digits(second[13:20]) + second[20] + _digits(second[21:28]) + second[28:42]
             + _digits(second[42:]))
    return _zone(lines, _letters(first[0]), number, first[5:], birth, expiry)


def _zone(lines, document_type, number, names, birth, expiry) -> Zone | None:
    born, expires = _date(birth, future=False), _date(expiry, future=True)
    if born is None or expires is None:
        return None
    last, given = _names(names)
    return Zone(last, given, tuple(lines), document_type, number.strip("<"), born, expires)


def td1(document_type: str, issuer: str, number: str, born: datetime.date, sex: str,
        expires: datetime.date, nationality: str, last_name: str,
        given_names: list[str]) -> tuple[str, str, str]:
    """The three lines of a TD1 card's zone, check digits included (to draw test cards)."""
    padded = _fit(number, 9)
    first = _fit(f"{document_type}<{issuer}{padded}{check_digit(padded)}", 30)
    birth, expiry = born.strftime("%y%m%d"), expires.strftime("%y%m%d")
    second = (f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}"
              f"{_fit(nationality, 3)}{'<' * 11}")
    second += check_digit(first[5:30] + second[0:7] + second[8:15] + second[18:29])
    names = "<".join(name.replace(" ", "<") for name in given_names)
    third = _fit(f"{last_name.replace(' ', '<')}<<{names}", 30)
    return first, second, third
