"""Population context: imported from CSV (all or nothing, line-numbered errors) and shown on the
dashboard with the dependency ratio."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from samsyn.statistics import figures
from samsyn.statistics.disclosure import Area, AreaKind, Period
from samsyn.statistics.models import PopulationFigure

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "befolkning.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_and_dashboard__ratio_from_the_age_groups(world, tmp_path) -> None:
    municipality = world.children["pupil"].municipality
    path = _file(
        tmp_path,
        "area;year;age_band;inhabitants\n"
        f"{municipality.code};2025;0-19;1821\n"
        f"{municipality.code};2025;20-64;4730\n"
        f"{municipality.code};2025;65+;2858\n",
    )
    out = StringIO()
    call_command("population_import", str(path), stdout=out)
    assert PopulationFigure.objects.get().inhabitants == 9409

    scope = figures.resolve(Area(AreaKind.MUNICIPALITY, municipality.code))
    tables = {t.key: t for t in figures.publish(Period.term("VT", 2026), scope)}
    table = tables["population"]
    # Bengtsfors in the seed: 9,409 inhabitants, 1,821 children 0–19, dependency ratio 0,99.
    assert table.body()[0] == [
        f"{municipality.name} (2025)",
        "1821",
        "4730",
        "2858",
        "9409",
        "0,99",
    ]


def test_import__bad_line__nothing_stored_line_named(world, tmp_path) -> None:
    path = _file(
        tmp_path,
        "area,year,age_band,inhabitants\nX,2025,0-19,10\nX,2025,20-64,-3\nX,2025,65+,1\n",
    )
    err = StringIO()
    with translation.override("sv"), pytest.raises(CommandError):
        call_command("population_import", str(path), stderr=err)
    assert "Rad 3" in err.getvalue()
    assert not PopulationFigure.objects.exists()


def test_no_population_imported__no_table(world) -> None:
    municipality = world.children["pupil"].municipality
    scope = figures.resolve(Area(AreaKind.MUNICIPALITY, municipality.code))
    keys = [t.key for t in figures.publish(Period.term("VT", 2026), scope)]
    assert "population" not in keys
