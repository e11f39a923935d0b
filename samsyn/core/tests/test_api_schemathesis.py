"""Schemathesis against /api/v1/openapi.json: no generated request makes a server error.

Every operation of the OpenAPI document is called in-process (WSGI) with generated path, query
and body values, as the test world's principal with a personal token.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from samsyn.accounts.services import api_token_create
from samsyn.api import api

# The document is taken from the API object (loading it over WSGI would need the database
# before pytest-django allows it); the calls go to the WSGI application in-process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    """Keep the test's transaction open across in-process requests.

    A WSGI request ends with ``close_old_connections``, which on PostgreSQL closes the connection
    holding the test's transaction. Django's own test client disconnects it the same way.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(world) -> str:
    _token, raw = api_token_create(user=world.users["rektor"], name="schemathesis")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api__generated_requests__no_server_error(case, token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
