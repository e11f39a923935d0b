"""``/api/v1/children/{id}/access-log`` and ``/api/v1/audit/review``: who has looked.

The child's access log is for the child's Barnkontakt (accesses within their own secrecy
domain) and for log reviewers (accesses through their principals' units); the review list is
for log reviewers only. Everyone else gets 404, as for something that does not exist.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from samsyn.access.policy import Action, What, is_log_reviewer
from samsyn.access.services import access_child
from samsyn.api_common import OBJECT_RESPONSES, PageParams, actor, not_found, paginate
from samsyn.audit import selectors
from samsyn.audit.models import Ground
from samsyn.audit.schemas import (
    AccessLogPage,
    ReviewPage,
    access_log_entry_out,
    review_entry_out,
)
from samsyn.children.api_helpers import child_by_public_id

router = Router()


class ReviewParams(Schema):
    since: dt.datetime | None = Field(default=None, description="From this time (inclusive).")
    until: dt.datetime | None = Field(default=None, description="Until this time (exclusive).")
    page: int = Field(default=1, ge=1)


@router.get(
    "/children/{child_id}/access-log",
    response={200: AccessLogPage, **OBJECT_RESPONSES},
    summary="Who has looked at the child",
)
def child_access_log(
    request: HttpRequest, child_id: UUID, params: Query[PageParams]
) -> AccessLogPage:
    """Accesses to the child's information, newest first. Looking is itself logged."""
    user = actor(request)
    child = child_by_public_id(child_id)
    if child is None:
        raise not_found()
    decision = access_child(user=user, child=child, what=What.ACCESS_LOG, action=Action.VIEW)
    if not decision.allowed:
        raise not_found()
    entries = selectors.child_access_log(
        child=child, viewer=user, as_reviewer=decision.ground == Ground.LOG_REVIEW
    )
    items, meta = paginate(request, entries, params.page)
    return AccessLogPage(**meta, items=[access_log_entry_out(e) for e in items])


@router.get(
    "/audit/review",
    response={200: ReviewPage, **OBJECT_RESPONSES},
    summary="Accesses for a log reviewer to check",
)
def audit_review(request: HttpRequest, params: Query[ReviewParams]) -> ReviewPage:
    """Accesses without a role-based ground (refused attempts, access under consent or a legal
    duty, log reviews) made through the units of the principals you review, newest first."""
    user = actor(request)
    if not is_log_reviewer(user):
        raise not_found()
    entries = selectors.access_log_review(reviewer=user, since=params.since, until=params.until)
    items, meta = paginate(request, entries, params.page)
    return ReviewPage(**meta, items=[review_entry_out(e) for e in items])
