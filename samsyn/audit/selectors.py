"""Reads of the access log, for the Barnkontakt's view of a child and for log reviewers."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from samsyn.access.policy import active_memberships
from samsyn.accounts.models import User
from samsyn.audit.models import ROLE_BASED_GROUNDS, AccessLogEntry
from samsyn.children.models import Child
from samsyn.organisations.models import Role


def reviewer_principal_ids(*, user: User) -> set[int]:
    """The principals (huvudmän) whose staff's accesses ``user`` reviews."""
    return set(
        active_memberships(user)
        .filter(role=Role.LOG_REVIEWER)
        .values_list("unit__agency__principal_id", flat=True)
    )


def child_access_log(*, child: Child, viewer: User, as_reviewer: bool) -> QuerySet[AccessLogEntry]:
    """Who has looked at ``child``.

    A log reviewer sees the accesses made through units of the principals they review. The
    Barnkontakt sees those made inside their own secrecy domain: a school principal is not told
    that child psychiatry opened the child's record.
    """
    entries = AccessLogEntry.objects.filter(child=child).select_related(
        "user", "acting_unit", "acting_unit__agency__principal"
    )
    if as_reviewer:
        return entries.filter(
            acting_unit__agency__principal_id__in=reviewer_principal_ids(user=viewer)
        ).order_by("-seq")
    domains = set(active_memberships(viewer).values_list("unit__secrecy_domain", flat=True))
    return entries.filter(acting_unit__secrecy_domain__in=domains).order_by("-seq")


def access_log_review(
    *, reviewer: User, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> QuerySet[AccessLogEntry]:
    """Accesses without a role-based ground, for the reviewer's principals.

    These are the ones a reviewer must look at: refused attempts, accesses under consent or a
    legal duty, and log reviews themselves. A refused attempt has no acting unit, so it is
    attributed through the user's memberships.
    """
    principals = reviewer_principal_ids(user=reviewer)
    entries = AccessLogEntry.objects.exclude(ground__in=ROLE_BASED_GROUNDS).filter(
        Q(acting_unit__agency__principal_id__in=principals)
        | Q(acting_unit__isnull=True, user__memberships__unit__agency__principal_id__in=principals)
    )
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries.distinct().select_related("user", "child", "acting_unit").order_by("-seq")
