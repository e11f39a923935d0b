"""Extension points that let domain apps add to shared pages without editing them.

- **Child page panels**: an app registers a function ``(user, child) -> Panel | None``; the
  child overview renders every panel returned, in ``order``. The function first asks
  :func:`samsyn.access.policy.decide` (not logged) and returns ``None`` when the user may not see
  that part — so that a teacher opening a pupil does not fill the log review with refusals of
  parts nobody asked for — and otherwise logs the part it shows with
  :func:`samsyn.access.services.access_child`. The overview itself has already been allowed.
- **Menu items**: an app registers a :class:`MenuItem` whose ``visible(user)`` says whether the
  signed-in user gets the link.

Apps register in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from samsyn.accounts.models import User
from samsyn.children.models import Child


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: str | Promise  # usually a lazy translation
    visible: Callable[[User], bool]
    order: int = 100


PanelFunction = Callable[[User, Child], Panel | None]

_panels: list[PanelFunction] = []
_menu: list[MenuItem] = []


def register_child_panel(function: PanelFunction) -> PanelFunction:
    if function not in _panels:
        _panels.append(function)
    return function


def register_menu_item(item: MenuItem) -> None:
    if item.url_name not in {m.url_name for m in _menu}:
        _menu.append(item)


def child_panels(user: User, child: Child) -> list[Panel]:
    panels = [p for p in (function(user, child) for function in _panels) if p is not None]
    return sorted(panels, key=lambda p: p.order)


def menu_items(user: User) -> list[MenuItem]:
    return sorted((m for m in _menu if m.visible(user)), key=lambda m: m.order)
