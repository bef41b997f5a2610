"""Identity cards drawn at run time with known fields, for the local AnalyzeID's tests and
benchmark and for the demo's ID uploads.

Each card is made from a seed: the person's fields, the fonts (matplotlib's DejaVu and STIX),
sizes, label layout, date format, tint, a slight rotation, noise and blur, and whether it
carries a TD1 machine readable zone. No third-party card or font is committed.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from engine.textract import mrz

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
TEXT_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
              "DejaVuSansMono.ttf", "STIXGeneral.ttf", "STIXGeneralBol.ttf")
MRZ_FONT = "DejaVuSansMono.ttf"
SIZE = (856, 540)  # ID-1's 85.6 x 54 mm at 10 pixels a millimetre
PHOTO = (50, 130, 260, 362)  # where the holder's photo goes
SURNAMES = ("COLLINS", "HOPPER", "NAKAMURA", "OKAFOR", "LINDQVIST", "MARTINEZ", "KOWALSKI",
            "FERREIRA", "BRENNAN", "HADDAD", "NGUYEN", "SCHMIDT", "ABERNATHY", "DUPONT", "RAHMAN",
            "VASQUEZ", "MORGAN", "PETROV", "TANAKA", "WILLIAMS")
GIVEN_NAMES = ("EILEEN", "GRACE", "JAMES", "AMARA", "LUCAS", "SOFIA", "MATEO", "HANNA", "DAVID",
               "YUKI", "PETER", "LAYLA", "ERIK", "NADIA", "SAMUEL", "CLARA", "HUGO", "MAYA")
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d %b %Y", "%m/%d/%Y")
DOCUMENT_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q, as many issuers print them


@dataclass(frozen=True)
class CardFields:
    """What a card says, as printed."""

    surname: str
    given_names: str
    date_of_birth: str
    document_number: str
    expires: str
    born: datetime.date
    expiry: datetime.date
    with_mrz: bool = False


@dataclass(frozen=True)
class Style:
    text_font: str = "DejaVuSans.ttf"
    label_size: int = 15
    value_size: int = 26
    inline: bool = False  # "SURNAME: COLLINS" on one line, or the label above its value
    rotation: float = 0.0  # degrees
    noise: float = 0.0  # standard deviation of the Gaussian noise, 0-255
    blur: float = 0.0
    tint: tuple[int, int, int] = (226, 233, 242)
    quality: int = 90


# The demo's two cards: the astronaut's (with a zone) and Grace Hopper's.
ALICE = CardFields("COLLINS", "EILEEN", "19.11.1956", "X1234567", "30.06.2031",
                   datetime.date(1956, 11, 19), datetime.date(2031, 6, 30), with_mrz=True)
GRACE = CardFields("HOPPER", "GRACE", "09.12.1906", "HG190612", "31.12.2030",
                   datetime.date(1906, 12, 9), datetime.date(2030, 12, 31))


def printed(day: datetime.date, fmt: str) -> str:
    return day.strftime(fmt).upper()


def random_fields(rng: random.Random) -> CardFields:
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 60 * 365))
    expiry = datetime.date(2027, 1, 1) + datetime.timedelta(days=rng.randrange(0, 10 * 365))
    fmt = rng.choice(DATE_FORMATS)
    given = rng.choice(GIVEN_NAMES)
    if rng.random() < 0.25:
        given += " " + rng.choice([name for name in GIVEN_NAMES if name != given])
    number = "".join(rng.choice(DOCUMENT_LETTERS) for _ in range(rng.choice((1, 2))))
    number += "".join(rng.choice("0123456789") for _ in range(9 - len(number) - 1))
    return CardFields(rng.choice(SURNAMES), given, printed(born, fmt), number,
                      printed(expiry, fmt), born, expiry, with_mrz=rng.random() < 0.5)


def random_style(rng: random.Random) -> Style:
    return Style(text_font=rng.choice(TEXT_FONTS), label_size=rng.randint(13, 17),
                 value_size=rng.randint(21, 30), inline=rng.random() < 0.3,
                 rotation=rng.uniform(-1.5, 1.5), noise=rng.uniform(0, 8),
                 blur=rng.choice((0, 0, 0.5, 0.8)),
                 tint=tuple(rng.randint(205, 245) for _ in range(3)),
                 quality=rng.randint(70, 92))


def draw(fields: CardFields, photo: Image.Image, style: Style = Style(),
         seed: int = 0) -> Image.Image:
    card = Image.new("RGB", SIZE, style.tint)
    pen = ImageDraw.Draw(card)
    font = FONTS / style.text_font
    label_font = ImageFont.truetype(str(font), style.label_size)
    value_font = ImageFont.truetype(str(font), style.value_size)
    pen.rectangle((0, 0, SIZE[0], 84), fill=(30, 60, 120))
    pen.text((40, 24), "IDENTITY CARD", font=ImageFont.truetype(str(font), 32),
             fill=(255, 255, 255))
    card.paste(photo.convert("RGB").resize((PHOTO[2] - PHOTO[0], PHOTO[3] - PHOTO[1])),
               PHOTO[:2])
    rows = (("SURNAME", fields.surname), ("GIVEN NAMES", fields.given_names),
            ("DATE OF BIRTH", fields.date_of_birth), ("DOCUMENT NO", fields.document_number),
            ("EXPIRES", fields.expires))
    top, step = 110, (300 if fields.with_mrz else 400) // len(rows)
    for row, (label, value) in enumerate(rows):
        y = top + row * step
        if style.inline:
            pen.text((300, y + 8), f"{label}:", font=label_font, fill=(70, 70, 80))
            left = 300 + pen.textlength(f"{label}:", font=label_font) + 16
            pen.text((left, y), value, font=value_font, fill=(15, 15, 20))
        else:
            pen.text((300, y), label, font=label_font, fill=(70, 70, 80))
            pen.text((300, y + style.label_size + 6), value, font=value_font, fill=(15, 15, 20))
    if fields.with_mrz:
        zone = mrz.td1("I", "UTO", fields.document_number, fields.born, "F", fields.expiry,
                       "UTO", fields.surname, fields.given_names.split())
        mono = ImageFont.truetype(str(FONTS / MRZ_FONT), 27)
        pen.rectangle((0, 418, SIZE[0], SIZE[1]), fill=(245, 245, 245))
        for index, line in enumerate(zone):
            pen.text((36, 424 + 37 * index), line, font=mono, fill=(10, 10, 10))
    return degrade(card, style, seed)


def degrade(card: Image.Image, style: Style, seed: int) -> Image.Image:
    if style.rotation:
        card = card.rotate(style.rotation, resample=Image.Resampling.BICUBIC, expand=True,
                           fillcolor=(90, 90, 90))
    if style.noise:
        pixels = np.asarray(card, dtype=np.float32)
        pixels += np.random.default_rng(seed).normal(0, style.noise, pixels.shape)
        card = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if style.blur:
        card = card.filter(ImageFilter.GaussianBlur(style.blur))
    return card


def encode(card: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    card.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def generated(seed: int, photo: Image.Image) -> tuple[bytes, CardFields]:
    """Card number ``seed``: its JPEG bytes and what it says."""
    rng = random.Random(seed)
    fields, style = random_fields(rng), random_style(rng)
    return encode(draw(fields, photo, style, seed), style.quality), fields
