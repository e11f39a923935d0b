"""Identity numbers: the common written forms, samordningsnummer, temporary numbers, and clear
Swedish messages for every way a number can be wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from samsyn.children.identity import (
    IdKind,
    InvalidIdentityNumber,
    make_identity_number,
    parse_identity_number,
)


@pytest.mark.parametrize(
    "written",
    [
        "20121212-1212",
        "201212121212",
        "121212-1212",
        "1212121212",
        " 20121212-1212 ",
        "20121212 1212",
    ],
)
def test_parse__common_written_forms__stored_as_twelve_digits(written):
    number = parse_identity_number(written)
    assert number.value == "201212121212"
    assert number.kind is IdKind.PERSONNUMMER
    assert number.birth_date == dt.date(2012, 12, 12)


def test_parse__plus_sign__hundred_years_or_older():
    assert parse_identity_number("121212+1212").value == "191212121212"


def test_parse__samordningsnummer__day_plus_sixty():
    value = make_identity_number(dt.date(2015, 3, 7), 123, coordination=True)
    assert value[6:8] == "67"
    number = parse_identity_number(value)
    assert number.kind is IdKind.SAMORDNINGSNUMMER
    assert number.birth_date == dt.date(2015, 3, 7)


def test_parse__temporary_school_number__allowed_only_when_asked_and_marked():
    with pytest.raises(InvalidIdentityNumber):
        parse_identity_number("20150307-T123")
    number = parse_identity_number("20150307-T123", allow_temporary=True)
    assert number.is_temporary and number.value == "20150307T123"


@pytest.mark.parametrize(
    "written, swedish",
    [
        ("20121212-1213", "fel kontrollsiffra"),
        ("20121312-1212", "datum som inte finns"),
        ("20120230-1212", "datum som inte finns"),
        ("2012-12-12", "inte skrivet som ett personnummer"),
        ("abc", "inte skrivet som ett personnummer"),
        ("", "Skriv ett personnummer"),
    ],
)
def test_parse__invalid__swedish_message_names_the_problem(written, swedish):
    with translation.override("sv"), pytest.raises(InvalidIdentityNumber) as caught:
        parse_identity_number(written)
    assert swedish in str(caught.value)


def test_parse__birth_date_in_the_future__refused():
    future = dt.date.today() + dt.timedelta(days=40)
    with pytest.raises(InvalidIdentityNumber):
        parse_identity_number(make_identity_number(future, 1), today=dt.date.today())


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.integers(min_value=1, max_value=999),
    st.booleans(),
)
def test_make_identity_number__always_parses_back(birth, serial, coordination):
    value = make_identity_number(birth, serial, coordination=coordination)
    number = parse_identity_number(value)
    assert number.value == value and number.birth_date == birth
    # Changing the check digit always makes it invalid.
    wrong = value[:-1] + str((int(value[-1]) + 1) % 10)
    with pytest.raises(InvalidIdentityNumber):
        parse_identity_number(wrong)
