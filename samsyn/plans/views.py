"""The plan pages: Barnets plan, changing it, versions, comparing, the PDF, follow-ups and the
worklist *Att följa upp*.

Thin views. Every read of the plan decides and logs through
:func:`samsyn.access.services.access_child`; changes go through :mod:`samsyn.plans.services`,
which decide and log themselves. A refusal is a plain 404 that is *returned*, so the refused
attempt's log row commits with the request.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.policy import Action, What, decide
from samsyn.access.services import access_child, access_children_listed
from samsyn.accounts.models import User
from samsyn.children.models import Child, Guardian
from samsyn.children.view_helpers import child_by_public_id
from samsyn.core.responses import not_found, request_user
from samsyn.plans import pdf, selectors, services
from samsyn.plans.forms import (
    AgreementForm,
    FollowUpForm,
    GoalFormSet,
    InterventionFormSet,
    PlanForm,
    ScheduleForm,
    plan_data_from,
)
from samsyn.plans.models import Plan, PlanStatus, unit_label


def _guardians(child: Child) -> Any:
    return Guardian.objects.filter(guardianships__child=child).order_by("last_name", "first_name")


def _plan_allowed(user: User, plan: Plan, action: Action = Action.VIEW, detail: str = "") -> bool:
    return access_child(
        user=user, child=plan.child, what=What.PLAN, action=action, detail=detail
    ).allowed


def _plan_context(user: User, child: Child, plan: Plan | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "child": child,
        "plan": plan,
        "may_create": decide(user, child, What.PLAN, Action.CREATE).allowed,
        "may_change": decide(user, child, What.PLAN, Action.CHANGE).allowed,
    }
    if plan is None:
        return context
    context.update(
        goals=list(plan.goals.all()),
        interventions=list(
            plan.interventions.select_related("unit__agency", "intervention_type", "plan__child")
        ),
        participants=services.participant_names(plan=plan),
        wellbeing=pdf.wellbeing_rows(plan.wellbeing),
        next_follow_up=selectors.next_follow_up(plan=plan),
        lead=(lead := selectors.stodsamordnare(child=child)),
        lead_unit=unit_label(lead.unit, protected=child.is_protected) if lead else "",
        agreements=list(
            plan.versions.get(number=plan.version).agreements.select_related("guardian")
        )
        if plan.version
        else [],
        sections=pdf.section_rows(plan),
        done_follow_ups=list(plan.follow_ups.filter(status="done").order_by("-due_date")[:10]),
    )
    return context


def _render_plan(
    request: HttpRequest, user: User, child: Child, plan: Plan | None, **forms: Any
) -> HttpResponse:
    context = _plan_context(user, child, plan)
    if plan is not None and plan.status != PlanStatus.CLOSED and context["may_change"]:
        context["agreement_form"] = forms.get("agreement_form") or AgreementForm(
            guardians=_guardians(child),
            initial={"on_date": timezone.localdate()},
            prefix="agreement",
        )
        context["schedule_form"] = forms.get("schedule_form") or ScheduleForm(prefix="schedule")
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_GET
def plan_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Barnets plan for the child ``public_id``."""
    user = request_user(request)
    child = child_by_public_id(public_id)
    if child is None or not access_child(
        user=user, child=child, what=What.PLAN, action=Action.VIEW
    ):
        return not_found(request)
    return _render_plan(request, user, child, selectors.plan_of_child(child=child))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Make the child's plan, or change it (a new version)."""
    user = request_user(request)
    child = child_by_public_id(public_id)
    if child is None:
        return not_found(request)
    plan = selectors.plan_of_child(child=child)
    if plan is not None and plan.status == PlanStatus.CLOSED:
        plan = None
    action = Action.CHANGE if plan else Action.CREATE
    if request.method == "GET" and not access_child(
        user=user, child=child, what=What.PLAN, action=action, detail="form"
    ):
        return not_found(request)
    post = request.POST if request.method == "POST" else None
    form = PlanForm(post, initial=PlanForm.initial_for(plan) if plan else None)
    goals = GoalFormSet(
        post,
        prefix="goals",
        initial=[{"indicator": g.indicator, "text": g.text} for g in plan.goals.all()]
        if plan
        else None,
    )
    interventions = InterventionFormSet(
        post,
        prefix="interventions",
        initial=[
            {
                "intervention_type": i.intervention_type_id,
                "title": i.title,
                "description": i.description,
                "unit": i.unit_id,
                "responsible": i.responsible,
                "start_date": i.start_date,
                "end_date": i.end_date,
            }
            for i in plan.interventions.all()
        ]
        if plan
        else None,
    )
    if request.method == "POST":
        valid = all([form.is_valid(), goals.is_valid(), interventions.is_valid()])
        if valid:
            data = plan_data_from(form, goals, interventions)
            note = form.cleaned_data.get("note") or ""
            try:
                if plan is None:
                    plan = services.plan_create(actor=user, child=child, data=data, note=note)
                    messages.success(request, _("The plan is made."))
                else:
                    services.plan_update(actor=user, plan=plan, data=data, note=note)
                    messages.success(request, _("The plan is saved as a new version."))
            except services.NotFoundForUser:
                return not_found(request)
            except services.ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("plans:detail", public_id=child.public_id)
        elif not decide(user, child, What.PLAN, action):
            access_child(user=user, child=child, what=What.PLAN, action=action)
            return not_found(request)
    return render(
        request,
        "plans/plan_form.html",
        {
            "child": child,
            "plan": plan,
            "form": form,
            "goals": goals,
            "interventions": interventions,
            "errors": bool(
                form.errors or goals.total_error_count() or interventions.total_error_count()
            ),
        },
    )


def _plan_or_none(public_id: uuid.UUID) -> Plan | None:
    return selectors.plan_by_public_id(public_id)


@login_required
@require_GET
def plan_versions(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    plan = _plan_or_none(public_id)
    if plan is None or not _plan_allowed(user, plan, detail="versions"):
        return not_found(request)
    versions = list(plan.versions.select_related("created_by").order_by("-number"))
    return render(
        request,
        "plans/plan_versions.html",
        {"plan": plan, "child": plan.child, "versions": versions},
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@login_required
@require_GET
def plan_compare(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The differences between two versions, section by section (``?fran=1&till=2``)."""
    user = request_user(request)
    plan = _plan_or_none(public_id)
    if plan is None or not _plan_allowed(user, plan, detail="compare versions"):
        return not_found(request)
    after_number = _int(request.GET.get("till")) or plan.version
    before_number = _int(request.GET.get("fran")) or max(after_number - 1, 1)
    versions = {v.number: v for v in plan.versions.filter(number__in=[before_number, after_number])}
    before, after = versions.get(before_number), versions.get(after_number)
    if before is None or after is None:
        return not_found(request)
    return render(
        request,
        "plans/plan_compare.html",
        {
            "plan": plan,
            "child": plan.child,
            "before": before,
            "after": after,
            "diffs": selectors.versions_compare(before=before, after=after),
            "numbers": list(range(plan.version, 0, -1)),
        },
    )


@login_required
@require_GET
def plan_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The plan as a PDF the family can read. A download is a view of the plan (logged)."""
    user = request_user(request)
    plan = _plan_or_none(public_id)
    if plan is None or not _plan_allowed(user, plan, detail="pdf"):
        return not_found(request)
    response = HttpResponse(pdf.plan_pdf(plan=plan), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="barnets-plan.pdf"'
    return response


@login_required
@require_POST
def agreement_record(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    plan = _plan_or_none(public_id)
    if plan is None:
        return not_found(request)
    form = AgreementForm(request.POST, guardians=_guardians(plan.child), prefix="agreement")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_record(
                actor=user,
                plan=plan,
                guardian=data["guardian"],
                agrees=data["agrees"],
                on_date=data["on_date"],
                how=data["how"],
                comment=data["comment"],
            )
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The guardian's answer is recorded."))
            return redirect("plans:detail", public_id=plan.child.public_id)
    if not _plan_allowed(user, plan, detail="agreement form"):
        return not_found(request)
    return _render_plan(request, user, plan.child, plan, agreement_form=form)


@login_required
@require_POST
def follow_up_schedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    plan = _plan_or_none(public_id)
    if plan is None:
        return not_found(request)
    form = ScheduleForm(request.POST, prefix="schedule")
    if form.is_valid():
        try:
            services.follow_up_schedule(
                actor=user, plan=plan, due_date=form.cleaned_data["due_date"]
            )
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The follow-up is scheduled."))
            return redirect("plans:detail", public_id=plan.child.public_id)
    if not _plan_allowed(user, plan, detail="schedule form"):
        return not_found(request)
    return _render_plan(request, user, plan.child, plan, schedule_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_record(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a follow-up: goals rated, wellbeing re-rated, and the decision."""
    user = request_user(request)
    follow_up = selectors.follow_up_by_public_id(public_id)
    if follow_up is None:
        return not_found(request)
    plan = follow_up.plan
    if not access_child(
        user=user, child=plan.child, what=What.FOLLOW_UP, action=Action.VIEW
    ).allowed:
        return not_found(request)
    goals = list(plan.goals.all())
    form = FollowUpForm(request.POST if request.method == "POST" else None, goals=goals)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(actor=user, follow_up=follow_up, data=form.data_for_service())
        except services.NotFoundForUser:
            return not_found(request)
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("plans:detail", public_id=plan.child.public_id)
    return render(
        request,
        "plans/follow_up_form.html",
        {"form": form, "follow_up": follow_up, "plan": plan, "child": plan.child},
    )


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """*Att följa upp*: follow-ups due soon or overdue for the Stödsamordnare and Barnkontakt."""
    user = request_user(request)
    due = selectors.follow_ups_due_for(user=user, within_days=services.reminder_days())
    shown = {
        c.pk
        for c in access_children_listed(
            user=user, children=[f.plan.child for f in due], detail="follow-up worklist"
        )
    }
    today = timezone.localdate()
    rows = [
        {"follow_up": f, "child": f.plan.child, "overdue": f.due_date < today}
        for f in due
        if f.plan.child_id in shown
    ]
    return render(request, "plans/worklist.html", {"rows": rows})
