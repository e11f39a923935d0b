"""Decide and log in one step: the only way views and API routes reach a child's information."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser

from samsyn.access.policy import (
    Action,
    Decision,
    What,
    decide,
    decide_many,
    log_reviewer_decision,
)
from samsyn.accounts.models import User
from samsyn.audit.services import AccessRecord, access_log_append
from samsyn.children.models import Child


def _username(user: User | AnonymousUser) -> str:
    return user.get_username() if user.is_authenticated else "anonymous"


def _user_id(user: User | AnonymousUser) -> int | None:
    return user.pk if user.is_authenticated else None


def access_child(
    *, user: User | AnonymousUser, child: Child, what: What, action: Action, detail: str = ""
) -> Decision:
    """Decide whether ``user`` may do ``action`` on ``what`` of ``child`` and log it, either way."""
    decision = decide(user, child, what, action)
    access_log_append(
        records=[
            AccessRecord(
                user_id=_user_id(user),
                username=_username(user),
                child_id=child.pk,
                what=what.value,
                action=action.value,
                allowed=decision.allowed,
                ground=decision.ground,
                acting_unit_id=decision.unit_id,
                detail=detail or decision.detail,
            )
        ]
    )
    return decision


def access_children_listed(
    *, user: User | AnonymousUser, children: Iterable[Child], detail: str = ""
) -> list[Child]:
    """Log that ``children`` were shown to ``user`` in a list; return those the policy allows.

    Lists are built from :func:`samsyn.access.policy.visible_children`, so every child is
    normally allowed; the decision is still made per child so that the log names its ground.
    """
    items = list(children)
    decisions = decide_many(user, items, What.IDENTITY, Action.LIST)
    _log_many(user, items, decisions, What.IDENTITY, Action.LIST, detail)
    return [c for c in items if decisions[c.pk].allowed]


def _log_many(
    user: User | AnonymousUser,
    children: list[Child],
    decisions: dict[int, Decision],
    what: What,
    action: Action,
    detail: str,
) -> None:
    """One log row per child with the policy's verdict, in one append."""
    access_log_append(
        records=[
            AccessRecord(
                user_id=_user_id(user),
                username=_username(user),
                child_id=child.pk,
                what=what.value,
                action=action.value,
                allowed=decisions[child.pk].allowed,
                ground=decisions[child.pk].ground,
                acting_unit_id=decisions[child.pk].unit_id,
                detail=detail,
            )
            for child in children
        ]
    )


def access_children_changed(
    *, user: User | AnonymousUser, children: Iterable[Child], what: What, detail: str = ""
) -> list[Child]:
    """Decide and log a change of ``what`` for many children at once (e.g. an upload that
    writes a school's attendance); return those the policy allows."""
    items = list(children)
    decisions = decide_many(user, items, what, Action.CHANGE)
    _log_many(user, items, decisions, what, Action.CHANGE, detail)
    return [c for c in items if decisions[c.pk].allowed]


def access_children_reviewed(
    *, user: User | AnonymousUser, children: Iterable[Child], detail: str = ""
) -> Decision:
    """Log that a log reviewer was shown ``children`` (name, personnummer) in the review report.

    One ``access_log``/``list`` row per distinct child, on the ground ``log_review``. Returns the
    reviewer decision; nothing is logged when ``user`` is not a log reviewer.
    """
    if not user.is_authenticated:
        return Decision(False)
    assert isinstance(user, User)
    decision = log_reviewer_decision(user)
    if not decision.allowed:
        return decision
    seen: dict[int, Child] = {}
    for child in children:
        seen.setdefault(child.pk, child)
    access_log_append(
        records=[
            AccessRecord(
                user_id=user.pk,
                username=user.get_username(),
                child_id=child_id,
                what=What.ACCESS_LOG.value,
                action=Action.LIST.value,
                allowed=True,
                ground=decision.ground,
                acting_unit_id=decision.unit_id,
                detail=detail,
            )
            for child_id in seen
        ]
    )
    return decision
