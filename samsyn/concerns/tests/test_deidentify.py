"""De-identification of the consultation text, on its own."""

from __future__ import annotations

import datetime as dt

from samsyn.concerns.deidentify import Identifiers, deidentify

IDS = Identifiers(
    child_names=["Alva Maria", "Berg", "Alva Maria Berg"],
    other_names=["Karin", "Lund", "Olle"],
    numbers=["201503124567"],
    birth_dates=[dt.date(2015, 3, 12)],
    addresses=["Storgatan 12 B", "Testby"],
    postal_codes=["12345"],
    phones=["070-123 45 67"],
    unit_names=["Norrskolan", "Elevhälsan Norrskolan"],
)


def test_deidentify__every_kind_of_identifier() -> None:
    text = (
        "ALVA berg (20150312-4567, även 150312-4567 och 1503124567 och 201503124567) föddes "
        "2015-03-12, alltså 12/03/2015 eller den 12 mars 2015. Alvas mamma Karin Lund bor på "
        "Storgatan 12 B, 123 45 Testby, tel 070-123 45 67, karin@example.se. Hon går på "
        "Norrskolan och träffar Elevhälsan Norrskolan. Brodern Olle."
    )
    out = deidentify(text, IDS)
    for banned in [
        "alva",
        "berg",
        "4567",
        "2015",
        "12 mars",
        "karin",
        "lund",
        "storgatan",
        "12345",
        "123 45",
        "testby",
        "070",
        "example",
        "norrskolan",
        "olle",
    ]:
        assert banned not in out.lower(), (banned, out)
    assert "[barnet]" in out
    assert "[namn]" in out
    assert "[adress]" in out
    assert "[enhet]" in out


def test_deidentify__keeps_words_that_only_contain_a_name() -> None:
    out = deidentify("Bergsklättring och Alvarsson", IDS)
    assert out == "Bergsklättring och Alvarsson"


def test_deidentify__birthday_without_year_and_swedish_letters() -> None:
    ids = Identifiers(child_names=["Åsa Öberg"], birth_dates=[dt.date(2014, 5, 3)])
    out = deidentify("ÅSA ÖBERGS födelsedag är den 3:e maj. Åsa fyller år 3 maj.", ids)
    assert out == "[barnet] födelsedag är [datum]. [barnet] fyller år [datum]."
