"""Responses shared by every view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from samsyn.accounts.models import User


def not_found(request: HttpRequest) -> HttpResponse:
    """A plain 404 page, *returned* rather than raised.

    Requests run in one transaction (``ATOMIC_REQUESTS``). Raising ``Http404`` would roll it back
    and with it the access-log row that records the refused attempt; returning keeps the row.
    The page says nothing about whether the thing exists or the user only may not see it.
    """
    return HttpResponse(
        render_to_string("404.html", {"request_path": request.path}, request=request), status=404
    )


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a view behind ``login_required``."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - login_required guarantees it
        raise TypeError("A signed-in user is required.")
    return user
