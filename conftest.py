"""Repository-wide pytest set-up. Fixtures shared by the apps live in ``samsyn/conftest.py``
and, for the browser journeys, in ``samsyn/testing/browser.py``.

Each run also says which database it uses, so the SQLite and PostgreSQL runs of ``make test``
can be told apart from their headers.
"""

from __future__ import annotations

import pytest

# The browser journeys' fixtures (one Playwright session for the whole run, Debian's Chromium,
# axe-core, the live server) are shared by every app's journeys.
pytest_plugins = ["samsyn.testing.browser"]


def pytest_report_header(config: pytest.Config) -> list[str]:
    try:
        from django.conf import settings

        database = settings.DATABASES["default"]
    except Exception:  # Django not configured: nothing to report
        return []
    engine = str(database.get("ENGINE", "")).rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return ["database: SQLite (in-memory test database)"]
    name = (database.get("TEST") or {}).get("NAME") or f"test_{database.get('NAME')}"
    host = database.get("HOST") or "local socket"
    port = database.get("PORT") or "default port"
    return [f"database: {engine} at {host}:{port}, test database {name}"]
