"""Template filters for children's information."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext

register = template.Library()


def age_parts(birth_date: dt.date, today: dt.date | None = None) -> tuple[int, int]:
    """Whole years and, beyond them, whole months of age on ``today``."""
    day = today or timezone.localdate()
    months = (day.year - birth_date.year) * 12 + (day.month - birth_date.month)
    if day.day < birth_date.day:
        months -= 1
    months = max(months, 0)
    return months // 12, months % 12


@register.filter
def age(birth_date: dt.date | None) -> str:
    """``4 år``; under two years also the months (``1 år 3 mån``, ``5 mån``)."""
    if birth_date is None:
        return ""
    years, months = age_parts(birth_date)
    if years >= 2:
        return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}
    if years == 0 and months == 0:
        return gettext("Under a month")
    if years == 0:
        return ngettext("%(months)d month", "%(months)d months", months) % {"months": months}
    return ngettext("%(years)d year %(months)d mo.", "%(years)d years %(months)d mo.", months) % {
        "years": years,
        "months": months,
    }


@register.filter
def what_label(value: str) -> str:
    """The access log's ``what`` in words."""
    from samsyn.core.labels import what_label as label

    return label(value)


@register.filter
def action_label(value: str) -> str:
    """The access log's ``action`` in words."""
    from samsyn.core.labels import action_label as label

    return label(value)


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]``, or ``None``: for per-row data looked up once for the whole list."""
    if not mapping:
        return None
    return mapping.get(key)
