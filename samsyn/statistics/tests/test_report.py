"""The half-year report: key figures as the dashboard publishes them, their trend over three
terms, a summary that never names a suppressed figure, the PDF and who may have it.

No PDF text extractor is installed (no pdftotext, no pypdf), so the text is tested in the
report's data and its HTML, and the PDF only for being one (and for its title)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from samsyn.concerns.models import ReportOfConcern
from samsyn.statistics import figures, report
from samsyn.statistics.disclosure import Area, AreaKind, Period
from samsyn.testing.factories import ChildFactory
from samsyn.testing.world import World

pytestmark = pytest.mark.django_db

URL = "/statistik/rapport/"


def _terms() -> tuple[Period, Period, Period]:
    """The last whole term and the two before it (all offered by the filters)."""
    term = Period.containing_term(timezone.localdate()).previous()
    return term, term.previous(), term.previous().previous()


def _reports(world: World, period: Period, count: int) -> None:
    """``count`` reports of concern in ``period`` about new children of the world's district."""
    moment = dt.datetime.combine(
        period.start + dt.timedelta(days=3), dt.time(10), tzinfo=timezone.get_current_timezone()
    )
    for _n in range(count):
        child = ChildFactory(
            municipality=world.municipality, district=world.children["pupil"].district
        )
        concern = ReportOfConcern.objects.create(
            child=child,
            reporter=world.users["larare"],
            reporter_unit=world.units["school"],
            intake_unit=world.units["intake"],
            description="Hemlig beskrivning",
        )
        ReportOfConcern.objects.filter(pk=concern.pk).update(created_at=moment)


def _district_scope(world: World) -> figures.Scope:
    district = world.children["pupil"].district
    assert district is not None
    return figures.resolve(Area(AreaKind.DISTRICT, str(district.pk)))


def _figure(rep: report.Report, key: str) -> report.KeyFigure:
    return next(f for f in rep.key_figures if f.key == key)


# --- The figures and the summary -------------------------------------------------------------


def test_change__from_published_numbers_only() -> None:
    assert report._change("count", "150", "120") == ("+30 (+25 %)", "up")
    assert report._change("count", "90", "120") == ("−30 (−25 %)", "down")
    assert report._change("count", "7", "0") == ("+7", "up")
    assert report._change("count", "12", "12") == ("±0", "same")
    assert report._change("days", "3,5", "5") == ("−1,5", "down")
    for suppressed in ("<5", "..", ".", "–"):
        assert report._change("count", suppressed, "120") == ("", "none")
        assert report._change("count", "120", suppressed) == ("", "none")
    assert report.published_number("<5") is None
    assert report.published_number("0,012") is not None


def test_summary__swedish_sentence_for_an_increase() -> None:
    change, direction = report._change("count", "150", "120")
    figure = report.KeyFigure(
        key="reports",
        section="",
        label="",
        kind="count",
        values=("150", "120", "100"),
        change=change,
        direction=direction,
        subject="Orosanmälningarna",
    )
    with translation.override("sv"):
        sentences = report.summary([figure], Period.term("HT", 2025))
    assert sentences == ["Orosanmälningarna ökade från 120 till 150 (+25 %)."]


def test_report__key_figures_are_the_dashboards_cells(world: World) -> None:
    now, previous, before = _terms()
    _reports(world, now, 12)
    _reports(world, previous, 8)
    _reports(world, before, 3)
    scope = _district_scope(world)
    rep = report.half_year_report(now, scope)
    assert rep.periods == (now, previous, before)
    with translation.override("sv"):
        published = [{t.key: t for t in figures.publish(p, scope)} for p in rep.periods]
        total, per_child_column = gettext("Total"), gettext("Per child 0–19 and month")
    reports = _figure(rep, "reports")
    expected = tuple(report.displayed(tables["reports"], total) for tables in published)
    assert reports.values == expected == ("12", "8", "<5")
    assert reports.change == "+4 (+50 %)"
    per_child = _figure(rep, "reports_child")
    assert per_child.values == tuple(
        report.displayed(t["reports"], per_child_column) for t in published
    )
    # The term's tables are the dashboard's, cell for cell.
    assert [(t.key, t.body()) for t in rep.tables] == [
        (t.key, t.body()) for t in published[0].values()
    ]
    assert "Orosanmälningarna ökade från 8 till 12 (+50 %)." in rep.summary


def test_report__suppressed_figure_not_compared_nor_named(world: World) -> None:
    now, previous, _before = _terms()
    _reports(world, now, 12)
    _reports(world, previous, 3)  # shown as <5
    rep = report.half_year_report(now, _district_scope(world))
    reports = _figure(rep, "reports")
    assert reports.values[:2] == ("12", "<5")
    assert reports.change == "" and not reports.comparable
    sentence = next(s for s in rep.summary if s.startswith("Orosanmälningarna"))
    assert "kan inte jämföras" in sentence
    for text in rep.summary:
        assert "<5" not in text and ".." not in text
        assert " 3 " not in f" {text} " and "till 12" not in text
    # The trend chart has no bar for the suppressed term.
    trend = next(c for c in rep.charts if c.id == "chart-trend")
    assert [(b.display, bool(b.width)) for b in trend.bars] == [
        ("..", False) if b.display == ".." else (b.display, b.display not in ("0", "<5"))
        for b in trend.bars
    ]
    assert any(b.display == "<5" and not b.width for b in trend.bars)


def test_report__html_shows_the_published_cells(world: World) -> None:
    now, previous, _before = _terms()
    _reports(world, now, 12)
    _reports(world, previous, 2)
    rep = report.half_year_report(now, _district_scope(world))
    page = html.unescape(report.report_html(rep))
    assert "Halvårsrapport" in page
    for figure in rep.key_figures:
        assert figure.label in page
    reports = _figure(rep, "reports")
    assert "<5" in reports.values
    for table in rep.tables:
        for row in table.body():
            for cell in row:
                assert cell in page
    for sentence in rep.summary:
        assert sentence in page
    assert "<svg" in page and "<rect" in page
    assert "Hemlig beskrivning" not in page
    for child in world.children.values():
        assert child.full_name not in page


def test_report__only_whole_terms() -> None:
    with pytest.raises(ValueError):
        report.half_year_report(Period.month(2026, 3), None)  # type: ignore[arg-type]


# --- The view --------------------------------------------------------------------------------


def test_url() -> None:
    assert reverse("statistics:half_year") == URL


@pytest.mark.parametrize("username", ["analytiker", "rektor"])
def test_pdf__produced(client: Client, world: World, username: str) -> None:
    now, previous, _before = _terms()
    _reports(world, now, 7)
    _reports(world, previous, 6)
    client.force_login(world.users[username])
    response = client.get(f"{URL}?period={now.code}&area=municipality:9999")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"halvarsrapport-{now.code}-municipality-9999.pdf" in response["Content-Disposition"]


def test_pdf__title_in_the_document(world: World) -> None:
    now, _previous, _before = _terms()
    rep = report.half_year_report(now, _district_scope(world))
    data = report.render_pdf(rep, compress=False)
    assert data.startswith(b"%PDF")
    title = "Halvårsrapport"
    assert (
        title.encode() in data or title.encode("utf-16-be").hex().upper().encode() in data.upper()
    )


@pytest.mark.parametrize("username", ["larare", "skolskoterska", "socialsekreterare", "admin"])
def test_pdf__everyone_else__404(client: Client, world: World, username: str) -> None:
    client.force_login(world.users[username])
    assert client.get(URL).status_code == 404


def test_pdf__anonymous__login(client: Client, world: World) -> None:
    response = client.get(URL)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        "period={month}",  # a month offered by the dashboard, but not a term
        "period=2026-03-15",
        "period=2026-01-01..2026-06-30",
        "period=HT1999",  # a term, but not one offered
        "area=school:{school}",  # the report is for municipalities and districts
        "area=district:999999",
        "area=unit:{school}",
    ],
)
def test_pdf__arbitrary_period_or_area__refused(client: Client, world: World, query: str) -> None:
    client.force_login(world.users["analytiker"])
    month = figures.default_period(timezone.localdate()).code
    query = query.format(month=month, school=world.units["school"].pk)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_dashboard__links_to_the_report_for_a_term(client: Client, world: World) -> None:
    client.force_login(world.users["analytiker"])
    now, _previous, _before = _terms()
    body = client.get(f"/statistik/?period={now.code}&area=municipality:9999").content.decode()
    assert f"{URL}?period={now.code}&amp;area=municipality:9999" in body
    month = figures.default_period(timezone.localdate()).code
    body = client.get(f"/statistik/?period={month}&area=municipality:9999").content.decode()
    assert f'href="{URL}' not in body


def test_summary__undefined_share_not_called_suppressed() -> None:
    figure = report.KeyFigure(
        key="followups_share",
        section="",
        label="",
        kind="percent",
        values=(".", "50,0", "."),
        change="",
        direction="none",
        subject="Andelen",
    )
    with translation.override("sv"):
        (sentence,) = report.summary([figure], Period.term("HT", 2025))
    assert "inget att beräkna" in sentence and "50,0" not in sentence
