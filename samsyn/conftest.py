"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from samsyn.testing.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()
