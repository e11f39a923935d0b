"""Children import: all or nothing, line-numbered Swedish errors, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from samsyn.children.imports import ImportRejected, children_import
from samsyn.children.models import Child, Enrolment
from samsyn.children.selectors import child_current_barnkontakt

pytestmark = pytest.mark.django_db

GOOD = (
    "personnummer;förnamn;efternamn;enhet;årskurs;startdatum;skyddad_identitet\n"
    "20150307-2389;Nova;Lind;Norrskolan;5;2026-08-17;nej\n"
    "201409152384;Elis;Åberg;Norrskolan;6;2026-08-17;\n"
)


def _write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "elever.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import__good_file__children_enrolled_with_barnkontakt(world, tmp_path):
    result = children_import(path=_write(tmp_path, GOOD))
    assert (result.rows, result.created, result.enrolled) == (2, 2, 2)
    nova = Child.objects.get(personnummer="201503072389")
    assert child_current_barnkontakt(child=nova).user == world.users["rektor"]


def test_import__same_file_twice__changes_nothing(world, tmp_path):
    path = _write(tmp_path, GOOD)
    children_import(path=path)
    counts = (Child.objects.count(), Enrolment.objects.count())
    result = children_import(path=path)
    assert (result.created, result.enrolled, result.unchanged) == (0, 0, 2)
    assert (Child.objects.count(), Enrolment.objects.count()) == counts


def test_import__windows_1252_and_comma__accepted(world, tmp_path):
    text = GOOD.replace(";", ",")
    result = children_import(path=_write(tmp_path, text, encoding="cp1252"))
    assert result.created == 2
    assert Child.objects.filter(last_name="Åberg").exists()


def test_import__one_bad_personnummer__whole_file_rejected_with_line_number(world, tmp_path):
    before = Child.objects.count()
    bad = GOOD + "20150307-2388;Ida;Ek;Norrskolan;5;2026-08-17;nej\n"
    with translation.override("sv"), pytest.raises(ImportRejected) as caught:
        children_import(path=_write(tmp_path, bad))
    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith("Rad 4: personnummer:")
    assert "kontrollsiffra" in caught.value.errors[0]
    assert Child.objects.count() == before


def test_import__several_problems__each_reported(world, tmp_path):
    bad = (
        "personnummer,first_name,last_name,unit,grade,start_date\n"
        "20150307-2389,Nova,Lind,Okänd skola,5,2026-08-17\n"
        "20150307-2389,Nova,Lind,Norrskolan,fem,2026-13-01\n"
    )
    with pytest.raises(ImportRejected) as caught:
        children_import(path=_write(tmp_path, bad))
    lines = [e.split(":")[0] for e in caught.value.errors]
    assert len(caught.value.errors) == 4, caught.value.errors
    assert lines.count(lines[0]) == 1 and len(set(lines)) == 2


def test_import__missing_column__rejected(world, tmp_path):
    with pytest.raises(ImportRejected):
        children_import(path=_write(tmp_path, "personnummer;förnamn\n20150307-2389;Nova\n"))


def test_import__grade_outside_school__rejected_and_nothing_saved(world, tmp_path):
    bad = GOOD + "201203042385;Ali;Kaya;Norrskolan;11;2026-08-17;nej\n"
    with pytest.raises(ImportRejected):
        children_import(path=_write(tmp_path, bad))
    assert not Child.objects.filter(personnummer="201503072389").exists()


def test_children_import_command__bad_file__exit_code_and_messages(world, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command(
            "children_import", str(_write(tmp_path, GOOD + "x;y;z;Norrskolan;1;2026-08-17;\n"))
        )
    err = capsys.readouterr().err
    assert "4" in err and "x" in err
