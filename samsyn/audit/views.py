"""Access-log pages: one child's log, and the log-review report for log reviewers.

Opening a child's log is itself an access (``What.ACCESS_LOG``) and is decided and logged. The
review report is only for log reviewers (others get the same 404 as for anything unknown); it
names children (by personnummer), so the children on the page are logged as reviewed.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from samsyn.access.policy import Action, What, is_log_reviewer
from samsyn.access.services import access_child, access_children_reviewed
from samsyn.audit import selectors
from samsyn.audit.forms import ReviewFilterForm
from samsyn.audit.models import Ground
from samsyn.children.view_helpers import child_by_public_id
from samsyn.core.responses import not_found, request_user

PAGE_PARAM = "sida"


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
@require_GET
def child_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Who has opened the child's information: for the Barnkontakt and for log reviewers."""
    user = request_user(request)
    child = child_by_public_id(public_id)
    if child is None:
        return not_found(request)
    decision = access_child(user=user, child=child, what=What.ACCESS_LOG, action=Action.VIEW)
    if not decision:
        return not_found(request)
    as_reviewer = decision.ground == Ground.LOG_REVIEW
    entries = selectors.child_access_log(child=child, viewer=user, as_reviewer=as_reviewer)
    page = Paginator(entries, settings.SAMSYN["PAGE_SIZE"]).get_page(request.GET.get(PAGE_PARAM))
    return render(
        request,
        "audit/child_log.html",
        {
            "child": child,
            "page": page,
            "as_reviewer": as_reviewer,
            # A protected child's unit shows in the acting units; only a reviewer sees them.
            "show_units": as_reviewer or not child.is_protected,
        },
    )


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """Accesses without a role-based ground, for the reviewer's principals, by date."""
    user = request_user(request)
    if not is_log_reviewer(user):
        return not_found(request)
    form = ReviewFilterForm(request.GET or None)
    since, until = form.period()
    if not form.is_bound:
        form = ReviewFilterForm(initial={"since": since, "until": until})
    entries = selectors.access_log_review(
        reviewer=user,
        since=_local_midnight(since),
        until=_local_midnight(until + dt.timedelta(days=1)),
    )
    page = Paginator(entries, settings.SAMSYN["PAGE_SIZE"]).get_page(request.GET.get(PAGE_PARAM))
    access_children_reviewed(
        user=user,
        children=[e.child for e in page.object_list if e.child is not None],
        detail="review",
    )
    return render(
        request,
        "audit/review.html",
        {"form": form, "page": page, "since": since, "until": until},
    )
