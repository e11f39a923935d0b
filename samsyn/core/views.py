"""The start page and pages that belong to no domain."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from samsyn.access.policy import sees_no_children


def home(request: HttpRequest) -> HttpResponse:
    """``/``: Mina barn when signed in, else the login page."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if sees_no_children(request.user):
        return render(request, "core/no_child_access.html")
    return redirect("children:my_children")
