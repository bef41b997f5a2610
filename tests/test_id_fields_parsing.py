"""The local AnalyzeID's parsing, without OCR: labels, dates, machine readable zones and the
placing of values next to their labels, on text lines given by the test.

MRZ specimens are ICAO Doc 9303's own (part 5, TD1, and part 4, TD3: Anna Maria Eriksson of
Utopia), whose check digits the standard prints.
"""

from __future__ import annotations

import datetime
import threading

import pytest

from engine.textract import dates, fields, mrz
from engine.textract.models import PageCache
from engine.textract.ocr import Line, words

TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


@pytest.mark.parametrize("text,field,value", [
    ("SURNAME", "LAST_NAME", ""),
    ("SURNAMECOLLINS", "LAST_NAME", "COLLINS"),  # OCR left the space out
    ("Given names", fields.GIVEN_NAMES, ""),
    ("DATE0F BIRTH", "DATE_OF_BIRTH", ""),  # a zero for an O
    ("DOB: 19.11.1956", "DATE_OF_BIRTH", "19.11.1956"),
    ("DOB 19.11.1956", "DATE_OF_BIRTH", "19.11.1956"),
    ("DOCUMENT NO", "DOCUMENT_NUMBER", ""),
    ("EXPIRES:30.06.2031", "EXPIRATION_DATE", "30.06.2031"),
])
def test_a_label_is_known_and_its_value_split_off(text, field, value):
    assert fields.label_of(text) == (field, value)


@pytest.mark.parametrize("text", ["DOBSON", "CLASSEN", "COLLINS", "19.11.1956", "LNX"])
def test_a_value_that_starts_like_a_short_label_is_no_label(text):
    assert fields.label_of(text) is None


@pytest.mark.parametrize("text,day,printed", [
    ("19.11.1956", datetime.date(1956, 11, 19), "19.11.1956"),
    ("1956-11-19", datetime.date(1956, 11, 19), "1956-11-19"),
    ("11/19/1956", datetime.date(1956, 11, 19), "11/19/1956"),  # the US order
    ("19/11/1956", datetime.date(1956, 11, 19), "19/11/1956"),  # the first number is over 12
    ("19 NOV 1956", datetime.date(1956, 11, 19), "19 NOV 1956"),
    ("19NOV1956", datetime.date(1956, 11, 19), "19 NOV 1956"),  # spaces put back
    ("19 N0V 1956", datetime.date(1956, 11, 19), "19 NOV 1956"),  # a zero for the O
    ("02-01-2030", datetime.date(2030, 1, 2), "02-01-2030"),
    ("203405-16", datetime.date(2034, 5, 16), "2034-05-16"),  # a separator OCR lost
])
def test_dates_in_several_formats(text, day, printed):
    assert dates.parse(text) == (day, printed)
    assert dates.normalized(day) == {"Value": f"{day.isoformat()}T00:00:00", "ValueType": "Date"}


@pytest.mark.parametrize("text", ["31.02.2000", "19 XYZ 1956", "X1234567", "", "13/13/2000"])
def test_what_is_no_date_is_not_made_one(text):
    assert dates.parse(text) is None


def test_check_digits_as_icao_prints_them():
    assert mrz.check_digit("D23145890") == "7"
    assert mrz.check_digit("740812") == "2"
    assert mrz.check_digit("120415") == "9"
    assert mrz.check_digit("L898902C3") == "6"


def test_a_td1_zone_is_read():
    zone = mrz.parse(["some text above", *TD1])
    assert (zone.document_type, zone.document_number) == ("I", "D23145890")
    assert (zone.last_name, zone.given_names) == ("ERIKSSON", ("ANNA", "MARIA"))
    assert zone.date_of_birth == datetime.date(1974, 8, 12)
    assert zone.expiry == datetime.date(2012, 4, 15)


def test_a_td3_zone_is_read():
    zone = mrz.parse(list(TD3))
    assert (zone.document_type, zone.document_number) == ("P", "L898902C3")
    assert (zone.last_name, zone.given_names) == ("ERIKSSON", ("ANNA", "MARIA"))
    assert (zone.date_of_birth, zone.expiry) == (datetime.date(1974, 8, 12),
                                                 datetime.date(2012, 4, 15))


def test_ocr_look_alikes_are_put_back_where_the_format_says_digit_or_letter():
    misread = (TD1[0].replace("UTO", "UT0"), TD1[1].replace("7408122", "74O8122"),
               TD1[2].replace("ERIKSSON", "ER1KSSON"))
    zone = mrz.parse(list(misread))
    assert zone is not None and zone.lines == TD1


def test_a_zone_whose_check_digit_fails_is_not_read():
    assert mrz.parse([TD1[0], TD1[1].replace("7408122", "7408132"), TD1[2]]) is None
    assert mrz.parse([TD1[0], TD1[2]]) is None


def test_the_generator_draws_zones_the_reader_accepts():
    lines = mrz.td1("I", "UTO", "D23145890", datetime.date(1974, 8, 12), "F",
                    datetime.date(2012, 4, 15), "UTO", "ERIKSSON", ["ANNA", "MARIA"])
    assert lines == TD1


def line(text: str, left: float, top: float, width: float = 120, height: float = 20,
         breaks: tuple[int, ...] = ()) -> Line:
    return Line(text, 0.99, (left, top, left + width, top + height), breaks)


CARD = [
    line("IDENTITY CARD", 40, 20, 300, 32),
    line("SURNAME", 300, 110), line("COLLINS", 300, 132, height=26),
    line("GIVEN NAMES", 300, 180), line("EILEEN", 300, 202, height=26),
    line("DATE OF BIRTH", 300, 250), line("19.11.1956", 300, 272, height=26),
    line("DOCUMENT NO:", 300, 320), line("X1234567", 440, 318, height=26),  # value on its right
    line("EXPIRES 30 JUN 2031", 300, 370, 260),  # label and value on one line
]


def answered(found: dict) -> dict:
    return {name: detection.text for name, detection in found.items() if detection.text}


def test_values_are_found_below_right_of_and_beside_their_labels():
    found = fields.read(CARD)
    assert list(found) == list(fields.STANDARD_FIELDS)
    assert answered(found) == {
        "FIRST_NAME": "EILEEN", "LAST_NAME": "COLLINS", "DATE_OF_BIRTH": "19.11.1956",
        "DOCUMENT_NUMBER": "X1234567", "EXPIRATION_DATE": "30 JUN 2031"}
    assert found["DATE_OF_BIRTH"].date == datetime.date(1956, 11, 19)
    assert found["EXPIRATION_DATE"].date == datetime.date(2031, 6, 30)
    assert 0 < found["LAST_NAME"].confidence <= 100


def test_the_zone_fills_what_the_labels_left_out():
    found = fields.read([*CARD[:3], line(TD1[0], 30, 430, 450), line(TD1[1], 30, 465, 450),
                         line(TD1[2], 30, 500, 450)])
    assert answered(found) == {
        "LAST_NAME": "COLLINS", "FIRST_NAME": "ANNA", "MIDDLE_NAME": "MARIA",
        "DOCUMENT_NUMBER": "D23145890", "DATE_OF_BIRTH": "1974-08-12",
        "EXPIRATION_DATE": "2012-04-15", "MRZ_CODE": "\n".join(TD1)}


def test_given_names_part_where_the_image_shows_a_blank_or_the_zone_says():
    glued = line("EILEENMARIE", 300, 202, height=26, breaks=(6,))
    assert words(glued) == ["EILEEN", "MARIE"] and words(glued, 0, 6) == ["EILEEN"]
    found = fields.read([*CARD[:3], CARD[3], glued])
    assert (found["FIRST_NAME"].text, found["MIDDLE_NAME"].text) == ("EILEEN", "MARIE")
    inline = line("GIVENNAMES:EILEENMARIE", 300, 202, 300, 26, breaks=(17,))
    found = fields.read([*CARD[:3], inline])
    assert (found["FIRST_NAME"].text, found["MIDDLE_NAME"].text) == ("EILEEN", "MARIE")
    no_gaps = line("EILEENMARIE", 300, 202, height=26)
    names = line("COLLINS<<EILEEN<MARIE<<<<<<<<<", 30, 500, 450)
    found = fields.read([*CARD[:4], no_gaps, names])
    assert (found["FIRST_NAME"].text, found["MIDDLE_NAME"].text) == ("EILEEN", "MARIE")


def test_a_document_without_labels_answers_every_field_empty():
    found = fields.read([line("HELLO WORLD", 10, 10)])
    assert list(found) == list(fields.STANDARD_FIELDS)
    assert answered(found) == {}


@pytest.mark.parametrize("text,kind", [("PASSPORT", "PASSPORT"),
                                       ("DRIVER LICENSE", "DRIVER LICENSE FRONT")])
def test_the_id_type_of_the_kinds_analyzeid_knows(text, kind):
    assert fields.read([line(text, 10, 10)])["ID_TYPE"].text == kind


def test_each_page_is_analysed_once_however_often_and_concurrently_asked():
    calls = []
    cache = PageCache(size=2)

    def analyse(data: bytes) -> dict:
        calls.append(data)
        return {"page": data.decode()}

    threads = [threading.Thread(target=cache.get, args=(b"card", analyse)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [b"card"] and cache.analysed == 1
    assert cache.get(b"card", analyse) == {"page": "card"}
    cache.get(b"other", analyse)
    cache.get(b"third", analyse)  # the cache holds two: "card" is the oldest, dropped
    cache.get(b"card", analyse)
    assert calls == [b"card", b"other", b"third", b"card"]
