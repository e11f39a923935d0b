"""The attendance pages: a pupil's absence, a school's signals, today's guardian notification
duties, the absence investigations and the monthly report to the organiser.

Thin views. A pupil's page decides and logs ``attendance``/``view`` with ``access_child``; lists
log the children on the page with ``access_children_listed`` and show only those whose
attendance the policy allows. A refused pupil is a 404 that is *returned*, so the refusal's log
row commits with the request. The monthly report holds counts only and reads no child.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.policy import Action, What, decide, decide_many, sees_no_children
from samsyn.access.services import access_child, access_children_listed
from samsyn.accounts.models import User
from samsyn.attendance import followup_selectors as selectors
from samsyn.attendance import followup_services as services
from samsyn.attendance import services as import_services
from samsyn.attendance.followup_models import (
    AbsenceInvestigation,
    AbsenceSignal,
    GuardianNotification,
    InvestigationStatus,
)
from samsyn.attendance.forms import (
    INDICATOR_LABELS,
    ConcernLinkForm,
    InvestigationForm,
    MonthForm,
    NotificationForm,
    SignalFilterForm,
    UploadForm,
)
from samsyn.attendance.indicators import Indicator
from samsyn.attendance.models import AttendanceImport, ImportStatus
from samsyn.audit.models import Ground
from samsyn.children.models import Child
from samsyn.children.view_helpers import child_by_public_id
from samsyn.concerns import selectors as concern_selectors
from samsyn.core.responses import not_found, request_user

PAGE_PARAM = "sida"
ORDER_PARAM = "ordning"


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    paginator = Paginator(queryset, settings.SAMSYN["PAGE_SIZE"])
    return paginator.get_page(request.GET.get(PAGE_PARAM))


def _add_error(form: Any, exc: services.ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _school_units(user: User) -> set[int]:
    """The user's schools; empty for users who never see a child."""
    if sees_no_children(user):
        return set()
    return selectors.school_units_of(user)


def _listed(user: User, children: list[Child], detail: str) -> set[int]:
    """Log the children shown in a list; the ids of those whose attendance may be shown."""
    unique = list({c.pk: c for c in children}.values())
    shown = access_children_listed(user=user, children=unique, detail=detail)
    decisions = decide_many(user, shown, What.ATTENDANCE, Action.LIST)
    return {pk for pk, decision in decisions.items() if decision}


# --- Indicators and the chart, as the pages show them ---------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    label: str
    level: int
    value: str
    window_start: str
    window_end: str


def _percent_text(fraction: float) -> str:
    return f"{number_format(Decimal(str(fraction * 100)).quantize(Decimal('0.1')), 1)} %"


def indicator_rows(entries: list[dict[str, Any]]) -> list[IndicatorRow]:
    """The signal's indicators with Swedish labels and their values in words."""
    rows = []
    for entry in entries:
        name = str(entry.get("indicator", ""))
        value = float(entry.get("value", 0))
        if name in (Indicator.ABSENCE_SHARE, Indicator.TERM_ABSENCE_SHARE):
            text = _percent_text(value)
        elif name == Indicator.RISING_TREND:
            points = number_format(Decimal(str(value * 100)).quantize(Decimal("0.1")), 1)
            text = _("+%(points)s percentage points") % {"points": points}
        elif name == Indicator.REPEATED_ABSENCE:
            text = _("%(count)d occasions") % {"count": int(value)}
        elif name == Indicator.UNEXCUSED_TODAY:
            text = _("%(count)d minutes") % {"count": int(value)}
        else:
            text = _("%(count)d days") % {"count": int(value)}
        rows.append(
            IndicatorRow(
                label=str(INDICATOR_LABELS.get(name, name)),
                level=int(entry.get("level", 0)),
                value=text,
                window_start=str(entry.get("window_start", "")),
                window_end=str(entry.get("window_end", "")),
            )
        )
    return rows


# The chart's drawing area (SVG user units).
CHART_WIDTH = 640
CHART_HEIGHT = 280
PLOT_LEFT = 48
PLOT_TOP = 12
PLOT_RIGHT = 8
PLOT_BOTTOM = 48
SCALES = (10, 20, 50, 100)


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label_x: float
    week: int
    valid_y: float
    valid_height: float
    invalid_y: float
    invalid_height: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_bottom: float
    axis_label_y: float
    bars: list[Bar]
    ticks: list[Tick]
    scale: int


def chart(weeks: list[selectors.Week]) -> Chart:
    """Stacked bars per week: valid absence at the bottom, invalid on top, in per cent."""
    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    bottom = PLOT_TOP + plot_height
    highest = max((float(w.valid_percent + w.invalid_percent) for w in weeks), default=0.0)
    scale = next((s for s in SCALES if highest <= s), 100)
    slot = plot_width / max(len(weeks), 1)
    width = slot * 0.6

    def height(percent: Decimal) -> float:
        return round(min(float(percent), scale) / scale * plot_height, 2)

    bars = []
    for n, week in enumerate(weeks):
        x = PLOT_LEFT + n * slot + (slot - width) / 2
        valid = height(week.valid_percent)
        invalid = min(height(week.invalid_percent), plot_height - valid)
        bars.append(
            Bar(
                x=round(x, 2),
                width=round(width, 2),
                label_x=round(x + width / 2, 2),
                week=week.week,
                valid_y=round(bottom - valid, 2),
                valid_height=valid,
                invalid_y=round(bottom - valid - invalid, 2),
                invalid_height=invalid,
            )
        )
    ticks = [Tick(y=round(bottom - plot_height * k / 5, 2), label=scale * k // 5) for k in range(6)]
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        plot_left=PLOT_LEFT,
        plot_right=CHART_WIDTH - PLOT_RIGHT,
        plot_bottom=bottom,
        axis_label_y=bottom + 18,
        bars=bars,
        ticks=ticks,
        scale=scale,
    )


# --- A pupil's attendance -------------------------------------------------------------------


@login_required
@require_GET
def pupil(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    child = child_by_public_id(public_id)
    if child is None:
        return not_found(request)
    if not access_child(
        user=user, child=child, what=What.ATTENDANCE, action=Action.VIEW, detail="attendance"
    ):
        return not_found(request)
    weeks = selectors.weekly_absence(child=child)
    signal = selectors.open_signal(child)
    return render(
        request,
        "attendance/pupil.html",
        {
            "child": child,
            "weeks": weeks,
            "chart": chart(weeks),
            "signal": signal,
            "indicators": indicator_rows(signal.indicators) if signal else [],
            "notifications": selectors.child_notifications(child),
            "investigations": selectors.child_investigations(child),
            "may_change": bool(decide(user, child, What.ATTENDANCE, Action.CHANGE)),
        },
    )


# --- A school's signals ---------------------------------------------------------------------

SORTABLE_COLUMNS = (
    ("niva", gettext_lazy("Level"), "-niva"),
    ("namn", gettext_lazy("Name"), "namn"),
    ("arskurs", gettext_lazy("Grade"), "arskurs"),
    ("oppnad", gettext_lazy("Opened"), "-oppnad"),
)


def _sort_columns(ordering: str) -> list[dict[str, Any]]:
    """Each sortable column's header: its link's ordering and, when sorted on, its direction."""
    columns = []
    for key, label, first in SORTABLE_COLUMNS:
        current = ordering.lstrip("-") == key
        descending = ordering.startswith("-")
        link = (key if descending else f"-{key}") if current else first
        columns.append(
            {
                "key": key,
                "label": label,
                "link": link,
                "sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return columns


@login_required
@require_GET
def signals(request: HttpRequest) -> HttpResponse:
    """The open signals at the user's schools, filtered, sorted and paginated."""
    user = request_user(request)
    units = _school_units(user)
    if not units:
        return not_found(request)
    filters = {k: v for k, v in request.GET.items() if k in ("niva", "arskurs", "indikator")}
    form = SignalFilterForm(filters or None, grades=selectors.school_grades(units))
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    ordering = request.GET.get(ORDER_PARAM, "")
    if ordering not in selectors.SIGNAL_ORDERINGS:
        ordering = selectors.DEFAULT_SIGNAL_ORDERING
    queryset = selectors.school_signals(
        units=units,
        level=chosen.get("niva"),
        grade=chosen.get("arskurs"),
        indicator=chosen.get("indikator") or None,
        ordering=ordering,
    )
    page = _page(request, queryset)
    on_page: list[AbsenceSignal] = list(page.object_list)
    allowed = _listed(user, [s.child for s in on_page], "attendance: signals")
    rows = [
        {"signal": s, "indicators": indicator_rows(s.indicators)}
        for s in on_page
        if s.child_id in allowed
    ]
    return render(
        request,
        "attendance/signals.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "ordering": ordering,
            "columns": _sort_columns(ordering),
            "filtered": bool(chosen and any(v not in (None, "") for v in chosen.values())),
            "may_upload": bool(selectors.led_schools_of(user)),
        },
    )


# --- Today's guardian notification duties ---------------------------------------------------


def _prefix(notification: GuardianNotification) -> str:
    return f"d{notification.pk}"


def _render_duties(
    request: HttpRequest, user: User, units: set[int], failed: NotificationForm | None = None
) -> HttpResponse:
    undone = selectors.duties_undone(units=units)
    done = selectors.duties_done_today(units=units)
    allowed = _listed(user, [n.child for n in [*undone, *done]], "attendance: duties")
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for notification in undone:
        if notification.child_id not in allowed:
            continue
        form = NotificationForm.now(_prefix(notification))
        if failed is not None and failed.prefix == _prefix(notification):
            form = failed
        rows.append({"notification": notification, "form": form})
    return render(
        request,
        "attendance/duties.html",
        {
            "today_rows": [r for r in rows if r["notification"].date == today],
            "older_rows": [r for r in rows if r["notification"].date != today],
            "done": [n for n in done if n.child_id in allowed],
            "today": today,
            "failed": failed,
        },
    )


@login_required
@require_GET
def duties(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    units = _school_units(user)
    if not units:
        return not_found(request)
    return _render_duties(request, user, units)


@login_required
@require_POST
def duty_record(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    units = _school_units(user)
    notification = selectors.notification_by_public_id(public_id)
    if not units or notification is None or notification.unit_id not in units:
        return not_found(request)
    form = NotificationForm(request.POST, prefix=_prefix(notification))
    if form.is_valid():
        try:
            services.notification_record(
                actor=user,
                notification=notification,
                method=form.cleaned_data["method"],
                notified_at=form.notified_at(),
                note=form.cleaned_data["note"],
            )
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _("Recorded that the guardians of %(name)s were told.")
                % {"name": notification.child.full_name},
            )
            return redirect("attendance:duties")
    return _render_duties(request, user, units, failed=form)


# --- Investigations -------------------------------------------------------------------------


@login_required
@require_GET
def investigations(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    units = _school_units(user)
    if not units:
        return not_found(request)
    page = _page(request, selectors.school_investigations(units=units))
    on_page: list[AbsenceInvestigation] = list(page.object_list)
    allowed = _listed(user, [i.child for i in on_page], "attendance: investigations")
    return render(
        request,
        "attendance/investigations.html",
        {
            "page": page,
            "rows": [i for i in on_page if i.child_id in allowed],
            "may_report": bool(selectors.led_schools_of(user)),
            "today": timezone.localdate(),
            "long_open": timezone.localdate() - dt.timedelta(days=selectors.LONG_OPEN_DAYS),
        },
    )


def _render_investigation(
    request: HttpRequest,
    user: User,
    investigation: AbsenceInvestigation,
    form: InvestigationForm | None = None,
    link_form: ConcernLinkForm | None = None,
) -> HttpResponse:
    child = investigation.child
    if not access_child(
        user=user,
        child=child,
        what=What.ATTENDANCE,
        action=Action.VIEW,
        detail="attendance: investigation",
    ):
        return not_found(request)
    is_open = investigation.status == InvestigationStatus.OPEN
    may_change = is_open and bool(decide(user, child, What.ATTENDANCE, Action.CHANGE))
    if may_change and form is None:
        form = InvestigationForm(
            initial=InvestigationForm.initial_for(investigation),
            staff=selectors.school_staff(investigation.unit),
        )
    sees_concerns = bool(decide(user, child, What.CONCERN, Action.VIEW))
    concerns = concern_selectors.child_concerns(child=child) if sees_concerns else None
    if may_change and concerns is not None and concerns.exists() and link_form is None:
        link_form = ConcernLinkForm(
            initial={"concern": investigation.concern_id}, concerns=concerns
        )
    team = decide(user, child, What.TEAM, Action.CREATE)
    return render(
        request,
        "attendance/investigation.html",
        {
            "investigation": investigation,
            "child": child,
            "indicators": indicator_rows(investigation.indicators),
            "form": form if may_change else None,
            "link_form": link_form if may_change else None,
            "may_change": may_change,
            "sees_concern": sees_concerns and investigation.concern_id is not None,
            "may_convene": bool(team) and team.ground == Ground.NAMED_CONTACT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def investigation_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    investigation = selectors.investigation_by_public_id(public_id)
    if investigation is None or sees_no_children(user):
        return not_found(request)
    if request.method == "GET":
        return _render_investigation(request, user, investigation)
    action = request.POST.get("action", "save")
    if action == "link":
        return _link_concern(request, user, investigation)
    form = InvestigationForm(request.POST, staff=selectors.school_staff(investigation.unit))
    if form.is_valid():
        try:
            services.investigation_update(
                actor=user, investigation=investigation, **form.service_arguments()
            )
            if action == "close":
                services.investigation_close(actor=user, investigation=investigation)
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            _add_error(form, exc)
        else:
            if action == "close":
                messages.success(request, _("The investigation is closed."))
            else:
                messages.success(request, _("The investigation is saved."))
            return redirect("attendance:investigation", public_id=investigation.public_id)
    return _render_investigation(request, user, investigation, form=form)


def _link_concern(
    request: HttpRequest, user: User, investigation: AbsenceInvestigation
) -> HttpResponse:
    child = investigation.child
    concerns = concern_selectors.child_concerns(child=child)
    if not decide(user, child, What.CONCERN, Action.VIEW):
        concerns = concerns.none()
    form = ConcernLinkForm(request.POST, concerns=concerns)
    if form.is_valid():
        try:
            services.investigation_link_concern(
                actor=user, investigation=investigation, concern=form.cleaned_data["concern"]
            )
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The investigation's concern is saved."))
            return redirect("attendance:investigation", public_id=investigation.public_id)
    return _render_investigation(request, user, investigation, link_form=form)


# --- The monthly report to the organiser ----------------------------------------------------


def _last_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """Per school the principal or unit manager leads: investigations in a month. Counts only."""
    user = request_user(request)
    schools = [] if sees_no_children(user) else selectors.led_schools_of(user)
    if not schools:
        return not_found(request)
    year, month = _last_month(timezone.localdate())
    form = MonthForm({"manad": request.GET["manad"]} if "manad" in request.GET else None)
    if form.is_valid():
        year, month = form.cleaned_data["manad"]
    elif not form.is_bound:
        form = MonthForm(initial={"manad": f"{year:04d}-{month:02d}"})
    rows = selectors.monthly_report(units=schools, year=year, month=month)
    label = f"{year:04d}-{month:02d}"
    if request.GET.get("format") == "csv" and not form.errors:
        return _report_csv(rows, label)
    return render(
        request,
        "attendance/report.html",
        {
            "form": form,
            "rows": rows,
            "month": label,
            "totals": {
                "opened": sum(r.opened for r in rows),
                "closed": sum(r.closed for r in rows),
                "open_at_end": sum(r.open_at_end for r in rows),
                "open_long": sum(r.open_long for r in rows),
            },
        },
    )


def _report_csv(rows: list[selectors.MonthRow], label: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="franvaroutredningar-{label}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Month"),
            _("School"),
            _("School unit code"),
            _("Opened"),
            _("Closed"),
            _("Open at the end of the month"),
            _("Open longer than four weeks"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                label,
                row.unit.name,
                row.unit.school_unit_code,
                row.opened,
                row.closed,
                row.open_at_end,
                row.open_long,
            ]
        )
    return response


# --- Upload a file from the school system (a background task with a progress page) ---------


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """A principal or unit manager uploads the school system's file; it is imported in the
    background and the status page shows how far it has come."""
    user = request_user(request)
    schools = [] if sees_no_children(user) else selectors.led_schools_of(user)
    if not schools:
        return not_found(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        run = import_services.upload_start(
            user=user,
            data=upload_file.read(),
            name=upload_file.name or "",
            allowed_children=selectors.pupils_at(schools),
        )
        return redirect("attendance:upload_status", run.pk)
    recent = AttendanceImport.objects.filter(created_by=user).order_by("-started_at")[:10]
    return render(
        request,
        "attendance/upload.html",
        {"form": form, "recent": recent, "schools": schools},
    )


@login_required
@require_GET
def upload_status(request: HttpRequest, import_id: int) -> HttpResponse:
    """How an upload is going; the page reloads itself every two seconds until it is done."""
    user = request_user(request)
    run = AttendanceImport.objects.filter(pk=import_id, created_by=user).first()
    if run is None:
        return not_found(request)
    running = run.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
    percent = round(100 * run.progress_done / run.progress_total) if run.progress_total else 0
    return render(
        request,
        "attendance/upload_status.html",
        {
            "run": run,
            "running": running,
            "percent": percent,
            "succeeded": run.status == ImportStatus.SUCCEEDED,
            "rejected": run.status == ImportStatus.REJECTED,
            "errors": run.errors[:1000],
            "unknown": run.unknown_pupils[:200],
        },
    )
