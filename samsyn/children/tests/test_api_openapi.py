"""The OpenAPI document is valid JSON, complete, and public; the docs page is served."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/children": {"get", "post"},
    "/api/v1/children/mine": {"get"},
    "/api/v1/children/{child_id}": {"get"},
    "/api/v1/children/{child_id}/barnkontakt": {"get", "post"},
    "/api/v1/children/{child_id}/transfer": {"post"},
    "/api/v1/children/{child_id}/access-log": {"get"},
    "/api/v1/handovers/{handover_id}/acknowledge": {"post"},
    "/api/v1/audit/review": {"get"},
}


def test_openapi__lists_every_route_with_typed_responses(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    doc = response.json()
    assert doc["info"] == {
        "title": "Samsyn API",
        "version": "1",
        "description": doc["info"]["description"],
    }
    assert doc["openapi"].startswith("3.")
    for path, methods in PATHS.items():
        assert set(doc["paths"][path]) == methods, path
        for method in methods:
            operation = doc["paths"][path][method]
            assert "401" in operation["responses"], (path, method)
            success = operation["responses"].get("200") or operation["responses"]["201"]
            assert "$ref" in str(success["content"]), (path, method)
    schemes = doc["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    detail = doc["components"]["schemas"]["ChildDetail"]["properties"]
    assert {"guardians", "address", "enrolments", "barnkontakt"} <= set(detail)
    assert (
        doc["paths"]["/api/v1/children/{child_id}"]["get"]["parameters"][0]["schema"]["format"]
        == "uuid"
    )


def test_docs__served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"Samsyn API" in response.content
