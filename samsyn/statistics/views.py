"""The statistics dashboard: aggregate figures for a whole month or term and a predefined area.

Thin view. Who may look is :func:`panels.may_see_statistics` (analysts, principals, unit
managers); everyone else gets the ordinary 404. The figures come from
:func:`figures.publish`, already protected (an export computes only its own table, with
:func:`figures.publish_table`); the page, the CSV and the Excel file show the same cells. The
filters offer only recent whole months and terms and the predefined areas, and refuse
anything else (a 400 with the reason), so that two queries cannot be subtracted to isolate a
child. Nothing here reads a child, so nothing is logged.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from samsyn.core.responses import not_found, request_user
from samsyn.statistics import exports, figures, report
from samsyn.statistics.charts import BarChart, bar_chart
from samsyn.statistics.disclosure import Area, AreaError, AreaKind, Period, PeriodError
from samsyn.statistics.panels import may_see_statistics

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    area = forms.ChoiceField(label=gettext_lazy("Area"))

    def __init__(self, *args: Any, periods: list[Period], areas: list[tuple[Area, str]], **kw: Any):
        super().__init__(*args, **kw)
        months = [(p.code, p.label) for p in periods if p.kind == "month"]
        terms = [(p.code, p.label) for p in periods if p.kind == "term"]
        period_field = self.fields["period"]
        area_field = self.fields["area"]
        assert isinstance(period_field, forms.ChoiceField)
        assert isinstance(area_field, forms.ChoiceField)
        period_field.choices = [
            (_("Months"), months),
            (_("Terms"), terms),
        ]
        area_field.choices = [(a.code, label) for a, label in areas]
        self._periods = {p.code: p for p in periods}
        self._areas = {a.code: a for a, _label in areas}

    def clean_period(self) -> Period:
        code = self.cleaned_data["period"]
        try:
            period = Period.parse(code)
        except PeriodError as exc:  # pragma: no cover - the choices already refuse it
            raise forms.ValidationError(str(exc)) from None
        if period.code not in self._periods:  # pragma: no cover - the choices already refuse it
            raise forms.ValidationError(_("Choose one of the periods offered."))
        return period

    def clean_area(self) -> Area:
        code = self.cleaned_data["area"]
        try:
            return self._areas[code]
        except KeyError:  # pragma: no cover - the choices already refuse it
            raise forms.ValidationError(
                _("Statistics can only be filtered by predefined areas.")
            ) from None


# --- A horizontal bar chart for a 1-D series -------------------------------------------------


def chart(table: figures.PublishedTable) -> BarChart | None:
    """The table's chart, sized for the screen."""
    return bar_chart(
        table.key, table.series_title or table.title, table.series, bar_height=22, gap=8, top=8
    )


FAMILIES = (
    ("concerns", gettext_lazy("Concerns and reports of concern")),
    ("process", gettext_lazy("The process")),
    ("attendance", gettext_lazy("Attendance")),
)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_see_statistics(user):
        return not_found(request)
    today = timezone.localdate()
    periods = figures.recent_periods(today)
    areas = figures.available_areas()
    data = {k: request.GET[k] for k in ("period", "area") if k in request.GET}
    if areas:
        data.setdefault("area", areas[0][0].code)
    data.setdefault("period", figures.default_period(today).code)
    form = FilterForm(data, periods=periods, areas=areas)
    if not form.is_valid():
        return render(request, "statistics/index.html", {"form": form}, status=400)
    period: Period = form.cleaned_data["period"]
    try:
        scope = figures.resolve(form.cleaned_data["area"])
    except AreaError:  # pragma: no cover - an area offered always resolves
        return render(request, "statistics/index.html", {"form": form}, status=400)
    wanted = request.GET.get("format")
    if wanted is not None:
        if wanted not in FORMATS:
            return not_found(request)
        # Only the table asked for is computed.
        table = figures.publish_table(period, scope, request.GET.get("table", ""))
        if table is None:
            return not_found(request)
        return _download(table, wanted, period, scope)
    tables = figures.publish(period, scope)
    query = f"period={period.code}&area={scope.area.code}"
    sections = [
        {
            "key": key,
            "title": title,
            "tables": [{"table": t, "chart": chart(t)} for t in tables if t.family == key],
        }
        for key, title in FAMILIES
    ]
    return render(
        request,
        "statistics/index.html",
        {
            "form": form,
            "period": period,
            "scope": scope,
            "sections": [s for s in sections if s["tables"]],
            "query": query,
        },
    )


def _download(
    table: figures.PublishedTable, wanted: str, period: Period, scope: figures.Scope
) -> HttpResponse:
    name = f"statistik-{table.key}-{period.code}-{scope.area.kind.value}-{scope.area.id}"
    if wanted == "csv":
        response = HttpResponse(exports.to_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(exports.to_xlsx(table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- The half-year report (PDF) ---------------------------------------------------------------


@login_required
@require_GET
def half_year_pdf(request: HttpRequest) -> HttpResponse:
    """The half-year report as a PDF: a whole term offered by the dashboard and a predefined
    municipality or district, validated as the dashboard's filters (else a 400)."""

    user = request_user(request)
    if not may_see_statistics(user):
        return not_found(request)
    today = timezone.localdate()
    terms = [p for p in figures.recent_periods(today) if p.kind == "term"]
    areas = [
        (a, label)
        for a, label in figures.available_areas()
        if a.kind in (AreaKind.MUNICIPALITY, AreaKind.DISTRICT)
    ]
    data = {k: request.GET[k] for k in ("period", "area") if k in request.GET}
    if areas:
        data.setdefault("area", areas[0][0].code)
    data.setdefault("period", terms[1].code)  # the last whole term
    form = FilterForm(data, periods=terms, areas=areas)
    if not form.is_valid():
        return render(request, "statistics/index.html", {"form": form}, status=400)
    period: Period = form.cleaned_data["period"]
    try:
        scope = figures.resolve(form.cleaned_data["area"])
    except AreaError:  # pragma: no cover - an area offered always resolves
        return render(request, "statistics/index.html", {"form": form}, status=400)
    pdf = report.render_pdf(report.half_year_report(period, scope))
    name = f"halvarsrapport-{period.code}-{scope.area.kind.value}-{scope.area.id}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
