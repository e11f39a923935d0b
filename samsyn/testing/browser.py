"""A pytest plugin (loaded by the root conftest.py) with the fixtures for every app's browser
journeys: Debian's Chromium driven by Playwright, a live server on a
transactional database, the test municipality, and axe-core.

Never ``playwright install``: the tests drive ``/usr/bin/chromium`` (``scripts/ensure-chromium.sh``
installs it with apt). Without it the journeys are skipped, not failed.

Set ``SAMSYN_SCREENSHOTS=/some/dir`` to save a screenshot of every page a journey checks.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from samsyn.testing.world import World, build_world

CHROMIUM = os.environ.get("SAMSYN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "journey-password-1"
_TRIGGERS = importlib.import_module("samsyn.audit.migrations.0002_append_only_triggers")


def _run_trigger_sql(using: str, statements_by_vendor: dict[str, list[str]]) -> None:
    conn = connections[using]
    with conn.cursor() as cursor:
        for sql in statements_by_vendor.get(conn.vendor, []):
            cursor.execute(sql)


_restore_after_flush: set[str] = set()


@receiver(post_migrate, dispatch_uid="samsyn-browser-tests-restore-audit-triggers")
def _restore_audit_triggers(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After pytest-django's flush (which sends ``post_migrate``), put the triggers back."""
    if using in _restore_after_flush:
        _restore_after_flush.discard(using)
        _run_trigger_sql(
            using, {"sqlite": _TRIGGERS.SQLITE_UP, "postgresql": _TRIGGERS.POSTGRES_UP}
        )


@pytest.fixture
def browser_db(transactional_db: None) -> Iterator[None]:
    """A transactional database (the live server runs in another thread).

    Between tests pytest-django empties the tables, which the access log's append-only triggers
    refuse. They are lifted just before that flush and put back right after it (the flush sends
    ``post_migrate``), so the tests that follow still run against an append-only log.
    """
    yield
    _run_trigger_sql(
        DEFAULT_DB_ALIAS, {"sqlite": _TRIGGERS.SQLITE_DOWN, "postgresql": _TRIGGERS.POSTGRES_DOWN}
    )
    _restore_after_flush.add(DEFAULT_DB_ALIAS)


@pytest.fixture
def journey_world(browser_db: None) -> World:
    """The test municipality, every account with a known password."""
    world = build_world()
    for user in world.users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return world


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between steps are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def _browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(_browser: Any, live_server: Any, journey_world: World) -> Iterator[Any]:
    """A fresh browser context (no cookies) at a desktop size, Swedish."""
    context = _browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


class Checks:
    """What every journey does on every page: check accessibility, maybe take a screenshot."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.shots = os.environ.get("SAMSYN_SCREENSHOTS", "")

    def page_ok(self, name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"axe found problems on {name} ({self.page.url}):\n" + "\n".join(
            serious
        )
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
            self.page.screenshot(path=str(Path(self.shots) / f"{safe}.png"), full_page=True)


@pytest.fixture
def checks(page: Any) -> Checks:
    return Checks(page)


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Log in as a person does: type in the fields, Tab between them, press Enter."""
    page.goto("/")
    page.get_by_label("Användarnamn").click()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/konto/logga-in/")
