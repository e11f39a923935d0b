"""The consent pages: a child's consents, recording one, a guardian's later answer, withdrawal.

Thin views. Every page decides and logs ``What.CONSENT`` through :func:`access_child` first; a
refused child is a 404 that is *returned*, so the refusal's log row commits with the request.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.policy import Action, What, decide
from samsyn.access.services import access_child
from samsyn.accounts.models import User
from samsyn.children.models import Child
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.children.view_helpers import child_by_public_id
from samsyn.consent import selectors, services
from samsyn.consent.forms import ConsentForm, GuardianAnswerForm, WithdrawForm
from samsyn.consent.models import Consent, GuardianDecision
from samsyn.core.responses import not_found, request_user
from samsyn.organisations.models import SecrecyDomain


def consent_rows(consents: list[Consent]) -> list[dict[str, Any]]:
    return [{"consent": c, "state": selectors.consent_state(c)} for c in consents]


@login_required
@require_GET
def consent_list(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    child = child_by_public_id(child_id)
    if child is None:
        return not_found(request)
    if not access_child(user=user, child=child, what=What.CONSENT, action=Action.VIEW):
        return not_found(request)
    return render(
        request,
        "consent/list.html",
        {
            "child": child,
            "rows": consent_rows(list(selectors.child_consents(child=child))),
            "may_record": decide(user, child, What.CONSENT, Action.CREATE).allowed,
        },
    )


def _consent_form(child: Child, data: Any = None) -> ConsentForm:
    return ConsentForm(
        data,
        units=list(selectors.consent_unit_choices(child=child)),
        guardianships=list(selectors.consent_guardianships(child=child)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, child_id: uuid.UUID) -> HttpResponse:
    """Document the guardians' consent (and the child's view) for a purpose."""
    user = request_user(request)
    child = child_by_public_id(child_id)
    if child is None:
        return not_found(request)
    if request.method == "GET":
        if not access_child(user=user, child=child, what=What.CONSENT, action=Action.CREATE):
            return not_found(request)
    elif not decide(user, child, What.CONSENT, Action.CREATE):
        access_child(user=user, child=child, what=What.CONSENT, action=Action.CREATE)
        return not_found(request)
    form = _consent_form(child, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent = services.consent_record(
                actor=user,
                child=child,
                purpose=data["purpose"],
                units=data["units"],
                categories=data["categories"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                how_given=data["how_given"],
                child_view=data["child_view"],
                child_view_note=data["child_view_note"],
                given_by=data["given_by"],
            )
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("consent:detail", public_id=consent.public_id)
    return render(request, "consent/record.html", {"child": child, "form": form})


def _detail(
    request: HttpRequest,
    user: User,
    consent: Consent,
    *,
    answer_form: GuardianAnswerForm | None = None,
    withdraw_form: WithdrawForm | None = None,
) -> HttpResponse:
    child = consent.child
    if not access_child(user=user, child=child, what=What.CONSENT, action=Action.VIEW):
        return not_found(request)
    state = selectors.consent_state(consent)
    may_change = (
        consent.withdrawn_at is None and decide(user, child, What.CONSENT, Action.CHANGE).allowed
    )
    guardians = list(consent.guardians.all())
    pending = [g for g in guardians if g.decision != GuardianDecision.GIVEN]
    if may_change and pending and answer_form is None:
        answer_form = GuardianAnswerForm(pending=pending)
    if may_change and withdraw_form is None:
        withdraw_form = WithdrawForm()
    return render(
        request,
        "consent/detail.html",
        {
            "child": child,
            "consent": consent,
            "state": state,
            "categories": [SecrecyDomain(c).label for c in consent.categories],
            "guardians": guardians,
            "answer_form": answer_form if may_change and pending else None,
            "withdraw_form": withdraw_form if may_change else None,
        },
    )


@login_required
@require_GET
def consent_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    consent = selectors.consent_by_public_id(public_id)
    if consent is None:
        return not_found(request)
    return _detail(request, request_user(request), consent)


@login_required
@require_POST
def consent_answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a pending guardian's answer."""
    user = request_user(request)
    consent = selectors.consent_by_public_id(public_id)
    if consent is None:
        return not_found(request)
    if not decide(user, consent.child, What.CONSENT, Action.CHANGE):
        access_child(user=user, child=consent.child, what=What.CONSENT, action=Action.CHANGE)
        return not_found(request)
    pending = [g for g in consent.guardians.all() if g.decision != GuardianDecision.GIVEN]
    form = GuardianAnswerForm(request.POST, pending=pending)
    if form.is_valid():
        try:
            services.consent_guardian_decide(
                actor=user,
                consent=consent,
                guardian=form.cleaned_data["guardian"].guardian,
                decision=form.cleaned_data["decision"],
                how_given=form.cleaned_data["how_given"],
            )
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The guardian's answer is recorded."))
            return redirect("consent:detail", public_id=consent.public_id)
    return _detail(request, user, consent, answer_form=form)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Withdraw the consent: takes effect at once."""
    user = request_user(request)
    consent = selectors.consent_by_public_id(public_id)
    if consent is None:
        return not_found(request)
    if not decide(user, consent.child, What.CONSENT, Action.CHANGE):
        access_child(user=user, child=consent.child, what=What.CONSENT, action=Action.CHANGE)
        return not_found(request)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(actor=user, consent=consent, note=form.cleaned_data["note"])
        except NotFoundForUser:
            return not_found(request)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The consent is withdrawn. It no longer applies."))
            return redirect("consent:detail", public_id=consent.public_id)
    return _detail(request, user, consent, withdraw_form=form)
