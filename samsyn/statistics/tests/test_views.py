"""The statistics dashboard: who sees it, the filters, the tables and the downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samsyn.concerns.models import ReportOfConcern
from samsyn.core.extensions import menu_items
from samsyn.statistics import figures
from samsyn.statistics.disclosure import Area, AreaKind, Period
from samsyn.testing.factories import ChildFactory
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db

URL = "/statistik/"


def _login(client: Client, world: World, username: str) -> None:
    client.force_login(world.users[username])


def _last_month() -> Period:
    return figures.default_period(timezone.localdate())


def _reports(world: World, count: int, district: bool = True) -> None:
    """``count`` reports of concern last month about new children of the world's district."""
    period = _last_month()
    moment = dt.datetime.combine(
        period.start + dt.timedelta(days=3), dt.time(10), tzinfo=timezone.get_current_timezone()
    )
    for _n in range(count):
        child = ChildFactory(
            municipality=world.municipality,
            district=world.children["pupil"].district if district else None,
        )
        report = ReportOfConcern.objects.create(
            child=child,
            reporter=world.users["larare"],
            reporter_unit=world.units["school"],
            intake_unit=world.units["intake"],
            description="Hemlig beskrivning",
        )
        ReportOfConcern.objects.filter(pk=report.pk).update(created_at=moment)


def test_url__under_statistik() -> None:
    assert reverse("statistics:index") == URL


@pytest.mark.parametrize("username", ["analytiker", "rektor"])
def test_dashboard__analyst_and_principal__200(client: Client, world: World, username: str) -> None:
    _reports(world, 7)
    _login(client, world, username)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'role="img"' in body
    assert "format=csv&amp;table=reports" in body
    assert "format=xlsx&amp;table=indicators" in body
    # Figures only: no child, no text of a report.
    for child in world.children.values():
        assert child.full_name not in body
        assert child.personnummer not in body
    assert "Hemlig beskrivning" not in body
    # "<5" in the text is escaped, never markup.
    assert "<5" not in body and "&lt;5" in body


@pytest.mark.parametrize("username", ["larare", "skolskoterska", "socialsekreterare", "admin"])
def test_dashboard__everyone_else__404(client: Client, world: World, username: str) -> None:
    _login(client, world, username)
    assert client.get(URL).status_code == 404
    assert client.get(URL + "?format=csv&table=reports").status_code == 404


def test_dashboard__anonymous__login(client: Client, world: World) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]


def test_menu__statistik_for_analyst_and_managers_only(world: World) -> None:
    def names(username: str) -> list[str]:
        return [m.url_name for m in menu_items(world.users[username])]

    assert "statistics:index" in names("analytiker")
    assert "statistics:index" in names("rektor")
    assert "statistics:index" not in names("larare")


@pytest.mark.parametrize(
    "query",
    [
        "period=2026-03-15",
        "period=2026-03-01..2026-03-20",
        "period=1999-01",  # a month, but not one offered
        "period=HT1999",
        "area=district:999999",
        "area=school:{bvc}",
        "area=unit:{school}",
        "area=municipality:9999;district:1",
    ],
)
def test_filters__arbitrary_dates_and_areas__refused(
    client: Client, world: World, query: str
) -> None:
    _login(client, world, "analytiker")
    query = query.format(bvc=world.units["bvc"].pk, school=world.units["school"].pk)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert (
        "error-summary" in response.content.decode() or "field-error" in response.content.decode()
    )


def test_filters__months_terms_and_areas_offered(client: Client, world: World) -> None:
    _login(client, world, "analytiker")
    term = Period.containing_term(timezone.localdate())
    district = world.children["pupil"].district
    assert district is not None
    for query in (
        f"period={term.code}&area=municipality:9999",
        f"period={_last_month().code}&area=district:{district.pk}",
        f"period={_last_month().code}&area=school:{world.units['school'].pk}",
    ):
        assert client.get(f"{URL}?{query}").status_code == 200, query


def _page_table(client: Client, query: str, key: str) -> figures.PublishedTable:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    section = next(
        t for s in response.context["sections"] for t in s["tables"] if t["table"].key == key
    )
    table: figures.PublishedTable = section["table"]
    return table


def test_downloads__equal_the_page(client: Client, world: World) -> None:
    _reports(world, 7)
    _reports(world, 2, district=False)  # a "No district" row of <5
    _login(client, world, "analytiker")
    query = f"period={_last_month().code}&area=municipality:9999"
    table = _page_table(client, query, "reports")
    expected = [table.header(), *table.body()]
    flat = [c for row in expected for c in row]
    assert "<5" in flat and ".." in flat
    body = client.get(f"{URL}?{query}").content.decode()
    assert "&lt;5" in body

    response = client.get(f"{URL}?{query}&format=csv&table=reports")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8").lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == expected

    response = client.get(f"{URL}?{query}&format=xlsx&table=reports")
    assert response.status_code == 200
    sheet: Any = load_workbook(io.BytesIO(response.content)).active
    assert [["" if v is None else str(v) for v in row] for row in sheet.values] == expected


def test_downloads__unknown_table_or_format__404(client: Client, world: World) -> None:
    _login(client, world, "analytiker")
    assert client.get(URL + "?format=csv&table=nope").status_code == 404
    assert client.get(URL + "?format=pdf&table=reports").status_code == 404


def test_area_codes_are_predefined(world: World) -> None:
    codes = {a.code for a, _label in figures.available_areas()}
    assert Area(AreaKind.MUNICIPALITY, "9999").code in codes
