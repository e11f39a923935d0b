"""View decorators."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samsyn.access.policy import sees_no_children


def child_data_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For lists of children: users whose roles never see a child get an explanation instead.

    Use after ``login_required``. Pages about one child do not use this: they ask the access
    policy, which refuses (and logs the attempt).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if sees_no_children(request.user):
            return render(request, "core/no_child_access.html")
        return view(request, *args, **kwargs)

    return wrapper
