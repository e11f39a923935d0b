"""The plan as the family reads it: rows for the pages and a PDF made by WeasyPrint.

Plain Swedish, large type, the Stödsamordnare as the family's one contact, and no internal
codes or ids. Callers decide and log the access first.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from samsyn.concerns.models import Indicator
from samsyn.plans import selectors, services
from samsyn.plans.forms import SECTION_FIELDS, WELLBEING_CHOICES
from samsyn.plans.models import Plan, unit_label


def wellbeing_rows(ratings: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per indicator of the wellbeing wheel, with its rating (or ``None``)."""
    labels = dict(WELLBEING_CHOICES)
    return [
        {
            "label": label,
            "rating": ratings.get(value),
            "text": labels.get(str(ratings.get(value)), "") if ratings.get(value) else "",
        }
        for value, label in Indicator.choices
    ]


def section_rows(plan: Plan) -> dict[str, dict[str, Any]]:
    """The text sections with their Swedish headings, by name."""
    return {
        name: {"label": label, "text": getattr(plan, name)}
        for name, (label, _hint) in SECTION_FIELDS.items()
    }


def plan_html(*, plan: Plan) -> str:
    indicator = dict(Indicator.choices)
    lead = selectors.stodsamordnare(child=plan.child)
    with translation.override("sv"):
        return render_to_string(
            "plans/plan_pdf.html",
            {
                "plan": plan,
                "child": plan.child,
                "sections": section_rows(plan),
                "wellbeing": wellbeing_rows(plan.wellbeing),
                "goals": [
                    {"indicator": indicator.get(g.indicator, g.indicator), "text": g.text}
                    for g in plan.goals.all()
                ],
                "interventions": list(
                    plan.interventions.select_related(
                        "unit__agency", "intervention_type", "plan__child"
                    )
                ),
                "participants": services.participant_names(plan=plan),
                "lead": lead,
                "lead_unit": unit_label(lead.unit, protected=plan.child.is_protected)
                if lead
                else "",
                "next_follow_up": selectors.next_follow_up(plan=plan),
                "today": timezone.localdate(),
            },
        )


def plan_pdf(*, plan: Plan, compress: bool = True) -> bytes:
    """The PDF; ``compress=False`` leaves its objects readable (for tests)."""
    from weasyprint import HTML

    return bytes(HTML(string=plan_html(plan=plan)).write_pdf(uncompressed_pdf=not compress))
