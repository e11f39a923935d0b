"""The children's pages: Mina barn, search, one child's overview, registering and moving a child.

Thin views. Every child shown goes through :mod:`samsyn.access.services` first: lists log the
children on the page (``access_children_listed``), a child's page decides and logs each part it
shows (``access_child``). A refused child is a plain 404 that is *returned*, so the refused
attempt's log row commits with the request.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.policy import Action, What, decide, may_register_children
from samsyn.access.services import access_child, access_children_listed
from samsyn.accounts.models import User
from samsyn.audit.models import Ground
from samsyn.children import selectors, services
from samsyn.children.forms import BarnkontaktForm, RegisterChildForm, SearchForm, TransferForm
from samsyn.children.identity import InvalidIdentityNumber
from samsyn.children.models import Child
from samsyn.children.view_helpers import (
    barnkontakt_candidates,
    child_by_public_id,
    current_assignments,
    current_education_enrolments,
    handover_of_child,
    transfer_units,
)
from samsyn.core.decorators import child_data_required
from samsyn.core.extensions import child_panels
from samsyn.core.responses import not_found, request_user

PAGE_PARAM = "sida"


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    paginator = Paginator(queryset, settings.SAMSYN["PAGE_SIZE"])
    return paginator.get_page(request.GET.get(PAGE_PARAM))


def _rows(children: list[Child], shown: list[Child]) -> list[Child]:
    """The children the policy allowed, in the list's order."""
    allowed = {c.pk for c in shown}
    return [c for c in children if c.pk in allowed]


# --- Lists ---------------------------------------------------------------------------------


@login_required
@child_data_required
@require_GET
def my_children(request: HttpRequest) -> HttpResponse:
    """Children I am Barnkontakt for; handovers waiting for me first."""
    user = request_user(request)
    page = _page(request, selectors.my_children(user=user))
    # Waiting handovers sit on top of the list: on its first page.
    handovers = list(selectors.handovers_waiting(user=user)) if page.number == 1 else []
    on_page = list(page.object_list)
    # One log call for everything shown: the page's children and those of waiting handovers.
    listed = {c.pk: c for c in on_page}
    for handover in handovers:
        listed.setdefault(handover.child_id, handover.child)
    shown = access_children_listed(user=user, children=listed.values(), detail="my-children")
    allowed = {c.pk for c in shown}
    rows = _rows(on_page, shown)
    return render(
        request,
        "children/my_children.html",
        {
            "page": page,
            "children": rows,
            "assignments": current_assignments(rows),
            "handovers": [h for h in handovers if h.child_id in allowed],
        },
    )


@login_required
@child_data_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Find a child among those I may see, by personnummer or name."""
    user = request_user(request)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "query": query}
    if query:
        page = _page(request, selectors.children_search(user=user, query=query))
        on_page = list(page.object_list)
        shown = access_children_listed(user=user, children=on_page, detail="search")
        rows = _rows(on_page, shown)
        context.update(
            {"page": page, "children": rows, "enrolments": current_education_enrolments(rows)}
        )
    return render(request, "children/search.html", context)


# --- One child -----------------------------------------------------------------------------


def _detail_context(
    user: User,
    child: Child,
    *,
    transfer_form: TransferForm | None = None,
    barnkontakt_form: BarnkontaktForm | None = None,
) -> dict[str, Any] | None:
    """Decide and log each part of the child's overview; ``None`` when the child is refused."""
    identity = access_child(user=user, child=child, what=What.IDENTITY, action=Action.VIEW)
    if not identity:
        return None
    protected = child.is_protected
    guardians_decision = access_child(
        user=user, child=child, what=What.GUARDIANS, action=Action.VIEW
    )
    # A protected child's address is never shown, so it is not even asked for.
    address_allowed = (
        not protected
        and access_child(user=user, child=child, what=What.ADDRESS, action=Action.VIEW).allowed
    )
    enrolments_decision = access_child(
        user=user, child=child, what=What.ENROLMENTS, action=Action.VIEW
    )
    barnkontakt_decision = access_child(
        user=user, child=child, what=What.BARNKONTAKT, action=Action.VIEW
    )
    current = selectors.child_current_barnkontakt(child=child) if barnkontakt_decision else None
    # Whether to offer a form or a link is a question to the policy, not an access: not logged.
    may_transfer = decide(user, child, What.ENROLMENTS, Action.CHANGE).allowed
    may_set_barnkontakt = (
        current is not None and decide(user, child, What.BARNKONTAKT, Action.CHANGE).allowed
    )
    if may_transfer and transfer_form is None:
        transfer_form = TransferForm(units=list(transfer_units(child=child)))
    if may_set_barnkontakt and barnkontakt_form is None and current is not None:
        barnkontakt_form = BarnkontaktForm(candidates=barnkontakt_candidates(assignment=current))
    return {
        "child": child,
        "today": timezone.localdate(),
        "protected": protected,
        "ground_label": Ground(identity.ground).label,
        "guardianships": (
            list(selectors.child_guardianships(child=child)) if guardians_decision else None
        ),
        "address_allowed": address_allowed,
        "enrolments": (
            list(selectors.child_enrolments_for(user=user, child=child))
            if enrolments_decision
            else None
        ),
        "barnkontakt_visible": barnkontakt_decision.allowed,
        "current": current,
        "history": (
            list(selectors.child_barnkontakt_history(child=child)) if barnkontakt_decision else []
        ),
        "transfer_form": transfer_form if may_transfer else None,
        "barnkontakt_form": barnkontakt_form if may_set_barnkontakt else None,
        "may_view_log": decide(user, child, What.ACCESS_LOG, Action.VIEW).allowed,
        # Sections added by other apps (concerns, the Barnteam, the plan …).
        "panels": child_panels(user, child),
    }


def _render_detail(request: HttpRequest, child: Child, **forms: Any) -> HttpResponse:
    context = _detail_context(request_user(request), child, **forms)
    if context is None:
        return not_found(request)
    return render(request, "children/detail.html", context)


@login_required
@require_GET
def child_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_by_public_id(public_id)
    if child is None:
        return not_found(request)
    return _render_detail(request, child)


def _refused(request: HttpRequest, user: User, child: Child, what: What) -> HttpResponse:
    """Log a refused change (the service is not called) and answer 404."""
    access_child(user=user, child=child, what=what, action=Action.CHANGE)
    return not_found(request)


def _after_change(request: HttpRequest, user: User, child: Child) -> HttpResponse:
    """Back to the child, or to Mina barn when the change took the child out of the user's view."""
    if decide(user, child, What.IDENTITY, Action.VIEW):
        return redirect("children:detail", public_id=child.public_id)
    return redirect("children:my_children")


@login_required
@require_POST
def child_transfer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Registrera övergång: the child starts at a new preschool or school."""
    user = request_user(request)
    child = child_by_public_id(public_id)
    if child is None:
        return not_found(request)
    if not decide(user, child, What.ENROLMENTS, Action.CHANGE):
        return _refused(request, user, child, What.ENROLMENTS)
    form = TransferForm(request.POST, units=list(transfer_units(child=child)))
    if form.is_valid():
        try:
            services.child_transfer(
                actor=user,
                child=child,
                unit=form.cleaned_data["unit"],
                start_date=form.cleaned_data["start_date"],
                grade=form.cleaned_data["grade"],
            )
        except services.NotFoundForUser:  # the service has logged the refusal
            return not_found(request)
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # A protected child's unit is never named, not even back to the one who chose it.
            messages.success(
                request,
                _("The transition is registered.")
                if child.is_protected
                else _("The transition to %(unit)s is registered.")
                % {"unit": form.cleaned_data["unit"].name},
            )
            return _after_change(request, user, child)
    return _render_detail(request, child, transfer_form=form)


@login_required
@require_POST
def barnkontakt_set(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Name another Barnkontakt by hand, with a reason."""
    user = request_user(request)
    child = child_by_public_id(public_id)
    if child is None:
        return not_found(request)
    if not decide(user, child, What.BARNKONTAKT, Action.CHANGE):
        return _refused(request, user, child, What.BARNKONTAKT)
    current = selectors.child_current_barnkontakt(child=child)
    if current is None:
        return _refused(request, user, child, What.BARNKONTAKT)
    form = BarnkontaktForm(request.POST, candidates=barnkontakt_candidates(assignment=current))
    if form.is_valid():
        try:
            assignment = services.barnkontakt_set_by_hand(
                actor=user,
                child=child,
                user=form.cleaned_data["user"],
                reason=form.cleaned_data["reason"],
            )
        except services.NotFoundForUser:  # the service has logged the refusal
            return not_found(request)
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is now the Barnkontakt.") % {"name": assignment.user},
            )
            return _after_change(request, user, child)
    return _render_detail(request, child, barnkontakt_form=form)


@login_required
@require_POST
def handover_acknowledge(
    request: HttpRequest, public_id: uuid.UUID, handover_id: int
) -> HttpResponse:
    """Bekräfta överlämning: the new Barnkontakt has taken over the child."""
    user = request_user(request)
    child = child_by_public_id(public_id)
    handover = handover_of_child(child=child, handover_id=handover_id) if child else None
    if child is None or handover is None:
        return not_found(request)
    try:
        services.handover_acknowledge_by(actor=user, handover=handover)
    except services.NotFoundForUser:  # the service has logged the refusal
        return not_found(request)
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("You have acknowledged the handover of %(name)s.") % {"name": child}
        )
    return redirect("children:my_children")


# --- Registering a child -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Register a new child at one of the user's own units (a new pupil, a newborn at BVC…)."""
    user = request_user(request)
    memberships = may_register_children(user)
    if not memberships:
        return not_found(request)
    units = sorted({m.unit.pk: m.unit for m in memberships}.values(), key=lambda u: u.name)
    form = RegisterChildForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            child = services.child_register(
                actor=user,
                unit=data["unit"],
                personnummer=data["personnummer"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                start_date=data["start_date"],
                grade=data["grade"],
                protected_identity=data["protected_identity"],
            )
        except InvalidIdentityNumber as exc:
            form.add_error("personnummer", str(exc))
        except services.ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except services.NotFoundForUser:
            return not_found(request)
        else:
            messages.success(
                request,
                _("%(name)s is registered.") % {"name": child}
                if child.is_protected
                else _("%(name)s is registered at %(unit)s.")
                % {"name": child, "unit": data["unit"].name},
            )
            return redirect("children:detail", public_id=child.public_id)
    return render(request, "children/register.html", {"form": form})
