"""The concern pages: register a concern, the worklists, triage, reports of concern, the intake
group's list and the de-identified consultations.

Thin views. Every child shown is decided and logged first (``access_child``,
``access_children_listed`` or, for the reporting grounds, ``services.log_reporting``). A refused
child is a 404 that is *returned*, so the refusal's log row commits with the request.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.policy import Action, What, sees_no_children
from samsyn.access.services import access_child, access_children_listed
from samsyn.accounts.models import User
from samsyn.audit.models import Ground
from samsyn.children.models import Child
from samsyn.concerns import selectors, services
from samsyn.concerns.forms import (
    AdviceForm,
    ConcernForm,
    ConsultationForm,
    LookupForm,
    ReportDecisionForm,
    ReportForm,
    TriageForm,
)
from samsyn.concerns.models import Concern, ConcernStatus, TriageDecision
from samsyn.core.responses import not_found, request_user


def _add_error(form: Any, exc: services.ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- Register a concern (two steps on one page) ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest) -> HttpResponse:
    """Step 1: the personnummer → name and birth year to confirm. Step 2: what was observed."""
    user = request_user(request)
    if sees_no_children(user):
        return not_found(request)
    units = services.reporting_units(user)
    lookup = LookupForm(
        request.POST if request.method == "POST" and "lookup" in request.POST else None
    )
    context: dict[str, Any] = {"lookup": lookup, "child": None, "form": None}
    if request.method == "POST" and "lookup" in request.POST:
        if lookup.is_valid():
            try:
                child = services.child_confirm_for_concern(
                    user=user, personnummer=lookup.cleaned_data["personnummer"]
                )
            except services.ServiceError as exc:
                _add_error(lookup, exc)
            else:
                context["child"] = child
                context["form"] = ConcernForm(
                    initial={"personnummer": lookup.cleaned_data["personnummer"]}, units=units
                )
    elif request.method == "POST":
        form = ConcernForm(request.POST, units=units)
        context["form"] = form
        child_or_none = _child_from_hidden(request.POST.get("personnummer", ""))
        if child_or_none is None:
            return redirect("concerns:new")
        context["child"] = child_or_none
        if form.is_valid():
            try:
                services.concern_register(
                    actor=user,
                    child=child_or_none,
                    observed=form.cleaned_data["observed"],
                    indicators=form.cleaned_data["indicators"],
                    urgency=form.cleaned_data["urgency"],
                    reporter_unit=form.cleaned_data["reporter_unit"],
                )
            except services.ServiceError as exc:
                _add_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. The concern has been sent to the child's Barnkontakt."),
                )
                return redirect("concerns:mine")
    return render(request, "concerns/new.html", context)


def _child_from_hidden(personnummer: str) -> Child | None:
    try:
        return services.child_by_personnummer(personnummer)
    except services.ServiceError:
        return None


# --- Worklists -----------------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """Mina anmälda oror: the reporter's own concerns and reports, with their status only."""
    user = request_user(request)
    concerns = list(selectors.concerns_reported_by(user=user)[:200])
    reports = list(selectors.reports_by(user=user)[:200])
    services.log_reporting(
        user=user,
        children=[c.child for c in concerns],
        what=What.CONCERN,
        action=Action.LIST,
        ground=Ground.REPORTER,
        detail="concerns: my reported",
    )
    services.log_reporting(
        user=user,
        children=[r.child for r in reports],
        what=What.REPORT,
        action=Action.LIST,
        ground=Ground.REPORTER,
        detail="concerns: my reports",
    )
    return render(request, "concerns/mine.html", {"concerns": concerns, "reports": reports})


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """Oror att besvara: the Barnkontakt's concerns, and the overdue ones of the unit's
    Barnkontakter for a principal or unit manager."""
    user = request_user(request)
    if sees_no_children(user):
        return not_found(request)
    to_answer = list(selectors.concerns_to_answer(user=user)[:200])
    overdue = list(selectors.concerns_overdue_for_lead(user=user)[:200])
    children = {c.child_id: c.child for c in [*to_answer, *overdue]}
    shown = {
        c.pk
        for c in access_children_listed(
            user=user, children=children.values(), detail="concerns: worklist"
        )
    }
    return render(
        request,
        "concerns/worklist.html",
        {
            "to_answer": [c for c in to_answer if c.child_id in shown],
            "overdue": [c for c in overdue if c.child_id in shown],
            "today": timezone.localdate(),
        },
    )


# --- One concern: the Barnkontakt's page and triage ----------------------------------------


def _teams_url(child: Child) -> str | None:
    try:
        return reverse("teams:convene", args=[child.public_id])
    except NoReverseMatch:
        return None


def _render_concern(
    request: HttpRequest, user: User, concern: Concern, triage_form: TriageForm | None = None
) -> HttpResponse:
    decision = access_child(user=user, child=concern.child, what=What.CONCERN, action=Action.VIEW)
    if not decision:
        return not_found(request)
    triage = getattr(concern, "triage", None) if concern.status == ConcernStatus.TRIAGED else None
    if triage is None and triage_form is None:
        triage_form = TriageForm()
    return render(
        request,
        "concerns/detail.html",
        {
            "concern": concern,
            "child": concern.child,
            "indicators": [i.get_indicator_display() for i in concern.indicators.all()],
            "triage": triage,
            "triage_form": triage_form if triage is None else None,
            "consultations": list(selectors.concern_consultations(concern=concern)),
            "teams_url": _teams_url(concern.child),
            "today": timezone.localdate(),
            "Decision": TriageDecision,
        },
    )


@login_required
@require_GET
def concern_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    concern = selectors.concern_by_public_id(public_id)
    if concern is None:
        return not_found(request)
    return _render_concern(request, user, concern)


@login_required
@require_POST
def concern_triage(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    concern = selectors.concern_by_public_id(public_id)
    if concern is None:
        return not_found(request)
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            triage = services.concern_triage(actor=user, concern=concern, **form.cleaned_data)
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Your answer to the concern is saved."))
            if triage.decision == TriageDecision.REPORT:
                return redirect(f"{reverse('concerns:report_new')}?oro={concern.public_id}")
            if triage.decision == TriageDecision.CONSULTATION:
                return redirect("concerns:consultation_new", public_id=concern.public_id)
            return redirect("concerns:detail", public_id=concern.public_id)
    return _render_concern(request, user, concern, triage_form=form)


# --- Report of concern ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """Orosanmälan: directly (look the child up by personnummer) or from a triage."""
    user = request_user(request)
    if sees_no_children(user):
        return not_found(request)
    units = services.reporting_units(user)
    data = request.POST if request.method == "POST" else None
    concern: Concern | None = None
    concern_id = request.POST.get("concern") or request.GET.get("oro")
    if concern_id:
        try:
            concern = selectors.concern_by_public_id(uuid.UUID(str(concern_id)))
        except ValueError:
            concern = None
        if concern is None:
            return not_found(request)
        if not access_child(user=user, child=concern.child, what=What.CONCERN, action=Action.VIEW):
            return not_found(request)
    lookup = LookupForm(data if data is not None and "lookup" in data else None)
    context: dict[str, Any] = {"lookup": lookup, "child": None, "form": None, "concern": concern}
    if concern is not None:
        context["child"] = concern.child
        if data is None:
            context["form"] = ReportForm(
                initial={"concern": concern.public_id, "description": concern.observed},
                units=units,
            )
    if data is not None and "lookup" in data:
        if lookup.is_valid():
            try:
                child = services.child_confirm_for_concern(
                    user=user, personnummer=lookup.cleaned_data["personnummer"]
                )
            except services.ServiceError as exc:
                _add_error(lookup, exc)
            else:
                context["child"] = child
                context["form"] = ReportForm(
                    initial={"personnummer": lookup.cleaned_data["personnummer"]}, units=units
                )
    elif data is not None:
        form = ReportForm(data, units=units)
        context["form"] = form
        reported = (
            concern.child
            if concern is not None
            else _child_from_hidden(data.get("personnummer", ""))
        )
        if reported is None:
            return redirect("concerns:report_new")
        context["child"] = reported
        if form.is_valid():
            try:
                services.report_register(
                    actor=user,
                    child=reported,
                    description=form.cleaned_data["description"],
                    immediate_danger=form.cleaned_data["immediate_danger"],
                    reporter_unit=form.cleaned_data["reporter_unit"],
                    concern=concern,
                )
            except services.NotFoundForUser:
                return not_found(request)
            except services.ServiceError as exc:
                _add_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The report of concern has been sent to social services' intake group."),
                )
                return redirect("concerns:mine")
    return render(request, "concerns/report_new.html", context)


@login_required
@require_GET
def intake(request: HttpRequest) -> HttpResponse:
    """The intake group's reports of concern."""
    user = request_user(request)
    if not selectors.intake_units_of(user):
        return not_found(request)
    reports = list(selectors.reports_for_intake(user=user)[:200])
    shown = {
        c.pk
        for c in access_children_listed(
            user=user, children={r.child_id: r.child for r in reports}.values(), detail="intake"
        )
    }
    return render(
        request, "concerns/intake.html", {"reports": [r for r in reports if r.child_id in shown]}
    )


def _render_report(
    request: HttpRequest, user: User, public_id: uuid.UUID, form: ReportDecisionForm | None = None
) -> HttpResponse:
    report = selectors.report_by_public_id(public_id)
    if report is None:
        return not_found(request)
    in_unit = report.intake_unit_id in selectors.intake_units_of(user)
    decision = access_child(user=user, child=report.child, what=What.REPORT, action=Action.VIEW)
    if not (decision and in_unit):
        return not_found(request)
    access_child(user=user, child=report.child, what=What.IDENTITY, action=Action.VIEW)
    return render(
        request,
        "concerns/report_detail.html",
        {
            "report": report,
            "child": report.child,
            "decision_form": form or ReportDecisionForm(),
        },
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _render_report(request, request_user(request), public_id)


@login_required
@require_POST
def report_receive(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    report = selectors.report_by_public_id(public_id)
    if report is None:
        return not_found(request)
    try:
        services.report_receive(actor=user, report=report)
    except services.NotFoundForUser:
        return not_found(request)
    messages.success(request, _("The report is marked as received."))
    return redirect("concerns:report_detail", public_id=public_id)


@login_required
@require_POST
def report_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    report = selectors.report_by_public_id(public_id)
    if report is None:
        return not_found(request)
    form = ReportDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.report_decide(
                actor=user,
                report=report,
                investigation_opened=form.cleaned_data["investigation_opened"],
                feedback=form.cleaned_data["feedback"],
            )
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The decision is saved and the reporter can see it."))
            return redirect("concerns:report_detail", public_id=public_id)
    return _render_report(request, user, public_id, form)


# --- De-identified consultation ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    concern = selectors.concern_by_public_id(public_id)
    if concern is None:
        return not_found(request)
    if request.method == "GET" and not access_child(
        user=user, child=concern.child, what=What.CONCERN, action=Action.VIEW
    ):
        return not_found(request)
    units = services.consultation_groups(concern.child)
    form = ConsultationForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_create(
                actor=user,
                concern=concern,
                group_unit=form.cleaned_data["group_unit"],
                text=form.cleaned_data["text"],
                flagged_names=form.cleaned_data["flagged_names"],
            )
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The de-identified case has been sent to the group."))
            return redirect("concerns:detail", public_id=concern.public_id)
    elif request.method == "POST" and not access_child(
        user=user, child=concern.child, what=What.CONCERN, action=Action.CHANGE
    ):
        return not_found(request)
    return render(request, "concerns/consultation_new.html", {"form": form, "concern": concern})


@login_required
@require_GET
def consultations(request: HttpRequest) -> HttpResponse:
    """The consultation group's cases: de-identified text, age and advice, nothing else."""
    user = request_user(request)
    items = list(selectors.consultations_for_group(user=user)[:200])
    return render(request, "concerns/consultations.html", {"consultations": items})


@login_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    consultation = selectors.consultation_by_public_id(public_id)
    if consultation is None or consultation.group_unit_id not in selectors.consultation_group_units(
        user
    ):
        return not_found(request)
    form = AdviceForm(
        request.POST if request.method == "POST" else None,
        initial={"advice": consultation.advice},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_advise(
                actor=user, consultation=consultation, advice=form.cleaned_data["advice"]
            )
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The advice is saved."))
            return redirect("concerns:consultation_detail", public_id=public_id)
    return render(
        request,
        "concerns/consultation_detail.html",
        {"consultation": consultation, "form": form},
    )
