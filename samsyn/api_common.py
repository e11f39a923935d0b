"""What every API router shares: the error format, pagination and the signed-in actor.

Errors always have the same shape, with a stable ``code`` for programs and a translated
``message`` for people (Swedish unless the client asks for English)::

    {"code": "invalid_personnummer", "field": "personnummer", "message": "…"}

A child the user may not see is answered exactly like a child that does not exist:
``404 {"code": "not_found", "message": "…"}``.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from samsyn.accounts.models import User


class ErrorCode:
    """Stable error codes. Programs may rely on them; messages may change."""

    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TOKEN = "invalid_token"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    VALIDATION_ERROR = "validation_error"
    INVALID_PERSONNUMMER = "invalid_personnummer"
    # A use case refused with a message about one field: ``invalid_<field>``.
    INVALID_PREFIX = "invalid_"
    # A use case refused for a reason not tied to one field.
    REFUSED = "refused"


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class FieldErrorOut(Schema):
    field: str
    code: str
    message: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut] = []


class ApiError(Exception):
    """Raise in a route to answer with the common error shape."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            data["field"] = self.field
        return data


def not_found() -> ApiError:
    """The one answer for "does not exist" and "you may not see it"."""
    return ApiError(404, ErrorCode.NOT_FOUND, _("Not found."))


def field_error(field: str, message: str) -> ApiError:
    return ApiError(422, ErrorCode.INVALID_PREFIX + field, message, field=field)


# Responses every route that needs a signed-in user can give.
AUTH_RESPONSES: dict[int, Any] = {401: ErrorOut, 403: ErrorOut}
# … and those of routes about one object.
OBJECT_RESPONSES: dict[int, Any] = {**AUTH_RESPONSES, 404: ErrorOut, 422: ValidationErrorOut}


def actor(request: HttpRequest) -> User:
    """The user the request was authenticated as (by session or by token)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - every route requires authentication
        raise ApiError(401, ErrorCode.NOT_AUTHENTICATED, _("Sign in to use the API."))
    return user


# --- Pagination ---


class PageParams(Schema):
    page: int = Field(default=1, ge=1)


def page_size() -> int:
    return int(settings.SAMSYN.get("PAGE_SIZE", 25))


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.items()))}")


M = TypeVar("M", bound=Model)


def paginate(
    request: HttpRequest, queryset: QuerySet[M], page: int
) -> tuple[list[M], dict[str, Any]]:
    """One page of ``queryset`` (in its order) and the page's ``count``/``next``/``previous``.

    Two queries: the count and the page. A page past the end is empty, not an error.
    """
    size = page_size()
    count = queryset.count()
    start = (page - 1) * size
    items = list(queryset[start : start + size]) if start < count else []
    meta = {
        "count": count,
        "page": page,
        "next": _page_url(request, page + 1) if start + size < count else None,
        "previous": _page_url(request, page - 1) if page > 1 and count else None,
    }
    return items, meta
