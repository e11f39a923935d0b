"""The JSON API, ``/api/v1/``: one NinjaAPI with the routers of the domain apps.

Authentication is either the Django session (the CSRF token is required on unsafe methods) or
a personal token, ``Authorization: Bearer sam_…`` (``samsyn token create``). Every route reaches
children's information through :mod:`samsyn.access.services`, exactly as the HTML views do.
The OpenAPI document is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from samsyn.accounts.api import router as accounts_router
from samsyn.accounts.models import User
from samsyn.accounts.services import api_token_authenticate
from samsyn.api_common import ApiError, ErrorCode, not_found
from samsyn.audit.api import router as audit_router
from samsyn.children.api import handovers_router
from samsyn.children.api import router as children_router
from samsyn.children.identity import InvalidIdentityNumber
from samsyn.children.services import NotFoundForUser, ServiceError
from samsyn.concerns.api import router as concerns_router
from samsyn.consent.api import router as consent_router
from samsyn.plans.api import router as plans_router
from samsyn.teams.api import router as teams_router

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class InvalidToken(AuthenticationError):
    """A bearer token was sent but is unknown, revoked or expired."""


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sam_…``: a personal token. A bad token is refused outright."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(raw=token.strip())
        if user is None:
            raise InvalidToken()
        # Lets middleware (no-store caching, logging) see who is signed in.
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (``X-CSRFToken``)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check is made in ``authenticate`` and only for a signed-in user, so that an
        # anonymous request is told to sign in (401), not that its CSRF token is missing.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in _SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        return user


class Utf8JSONRenderer(JSONRenderer):
    """JSON in UTF-8 as it is (``"Söderskolan"``, not ``"S\\u00f6derskolan"``)."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}


class SamsynAPI(NinjaAPI):
    """Answers are never cached: they hold personal data."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["Cache-Control"] = "no-store"
        return response

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        response = super().create_temporal_response(request)
        response["Cache-Control"] = "no-store"
        return response


api = SamsynAPI(
    title="Samsyn API",
    version="1",
    description=(
        "Samsyn's JSON API. Sign in with the browser session (send the CSRF token on unsafe "
        "methods) or with a personal token: `Authorization: Bearer sam_…` (made with "
        "`samsyn token create USERNAME --name NAME`). Children are named by their `public_id`. "
        "A child you may not see is answered exactly like one that does not exist: 404 "
        "`not_found`. Every access to a child's information is logged. Errors have the shape "
        '`{"code": …, "message": …, "field": …}`; messages are in Swedish unless the request '
        "asks for English with Accept-Language."
    ),
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
    auth=[TokenAuth(), SessionAuth()],
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="samsyn"'
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.body())


@api.exception_handler(NotFoundForUser)
def _not_found_for_user(request: HttpRequest, exc: NotFoundForUser) -> HttpResponse:
    return _api_error(request, not_found())


@api.exception_handler(InvalidIdentityNumber)
def _invalid_identity_number(request: HttpRequest, exc: InvalidIdentityNumber) -> HttpResponse:
    body = {"code": ErrorCode.INVALID_PERSONNUMMER, "field": "personnummer", "message": str(exc)}
    return _error(request, 422, body)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    # A service may name its own stable code; otherwise it follows from the field.
    code = getattr(exc, "code", None) or (
        ErrorCode.INVALID_PREFIX + exc.field if exc.field else ErrorCode.REFUSED
    )
    body: dict[str, Any] = {"code": code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    return _error(request, 422, body)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if any(tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors):
        # A malformed id in the URL names nothing: answer as for an id that does not exist.
        return _api_error(request, not_found())
    errors = [_field_error(error) for error in exc.errors]
    first = errors[0] if errors else {"field": "", "message": _("The request is not valid.")}
    body = {
        "code": ErrorCode.VALIDATION_ERROR,
        "field": first["field"] or None,
        "message": first["message"],
        "errors": errors,
    }
    return _error(request, 422, body)


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, InvalidToken):
        body = {
            "code": ErrorCode.INVALID_TOKEN,
            "message": _("The API token is not valid: it is unknown, revoked or expired."),
        }
    else:
        body = {
            "code": ErrorCode.NOT_AUTHENTICATED,
            "message": _("Sign in, or send a personal API token as “Authorization: Bearer …”."),
        }
    return _error(request, 401, body)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, CsrfFailed):
        body = {
            "code": ErrorCode.CSRF_FAILED,
            "message": _(
                "The CSRF check failed. With session sign-in, send the CSRF token in the "
                "X-CSRFToken header."
            ),
        }
        return _error(request, 403, body)
    if exc.status_code == 404:
        return _api_error(request, not_found())
    if exc.status_code == 400:
        body = {"code": "bad_request", "message": _("The request body could not be read as JSON.")}
        return _error(request, 400, body)
    if exc.status_code == 429:
        body = {"code": "throttled", "message": _("Too many requests. Try again later.")}
        return _error(request, 429, body)
    return _error(request, exc.status_code, {"code": "error", "message": _("The request failed.")})


# --- Validation errors in Swedish ---


def _validation_messages() -> dict[str, str]:
    return {
        "missing": _("This field is required."),
        "string_type": _("Enter text."),
        "string_too_short": _("This field cannot be empty."),
        "string_too_long": _("The text is too long."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "greater_than_equal": _("The number is too small."),
        "greater_than": _("The number is too small."),
        "less_than_equal": _("The number is too large."),
        "less_than": _("The number is too large."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "uuid_type": _("Enter an id (a UUID)."),
        "uuid_parsing": _("Enter an id (a UUID)."),
        "date_type": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_inexact": _("Enter a date as YYYY-MM-DD."),
        "datetime_type": _("Enter a date and time as YYYY-MM-DDTHH:MM:SS+01:00."),
        "datetime_parsing": _("Enter a date and time as YYYY-MM-DDTHH:MM:SS+01:00."),
        "datetime_from_date_parsing": _("Enter a date and time as YYYY-MM-DDTHH:MM:SS+01:00."),
        "literal_error": _("Choose one of the allowed values."),
        "enum": _("Choose one of the allowed values."),
        "model_attributes_type": _("Send a JSON object."),
        "dict_type": _("Send a JSON object."),
        "model_type": _("Send a JSON object."),
        "extra_forbidden": _("This field is not allowed."),
    }


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    """``{"loc": ("body", "payload", "grade"), "type": "int_parsing"}`` → field, code, message."""
    loc = [str(part) for part in error.get("loc", ())]
    source, rest = (loc[0], loc[1:]) if loc else ("", [])
    if source == "body" and len(rest) > 1:
        rest = rest[1:]  # drop the name of the body parameter
    kind = str(error.get("type", "invalid"))
    message = _validation_messages().get(kind, _("This value is not valid."))
    return {"field": ".".join(rest), "code": kind, "message": message}


api.add_router("/me", accounts_router, tags=["me"])
api.add_router("/children", children_router, tags=["children"])
api.add_router("/handovers", handovers_router, tags=["children"])
api.add_router("", audit_router, tags=["audit"])
api.add_router("", concerns_router, tags=["concerns"])
api.add_router("", consent_router, tags=["consent"])
api.add_router("", teams_router, tags=["teams"])
api.add_router("", plans_router, tags=["plans"])
