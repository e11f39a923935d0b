"""Forms of the plan pages. They check what a form can; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.children.forms import DateInput
from samsyn.children.models import Guardian
from samsyn.concerns.models import Indicator
from samsyn.organisations.models import Unit
from samsyn.plans import services
from samsyn.plans.models import Attainment, Decision, Goal, HowAgreed, InterventionType, Plan

WELLBEING_CHOICES = [
    ("", _("Not rated")),
    ("1", _("1 – very bad")),
    ("2", _("2 – bad")),
    ("3", _("3 – neither good nor bad")),
    ("4", _("4 – good")),
    ("5", _("5 – very good")),
]

SECTION_FIELDS: dict[str, tuple[Any, Any]] = {
    "reason": (
        _("Why the child has a plan"),
        _("What the child and the family need help with, in words the family uses."),
    ),
    "child_view": (_("The child's view"), _("What the child says, in the child's own words.")),
    "guardians_view": (_("The guardians' view"), ""),
    "growth": (_("How I grow and develop"), _("My World Triangle: the child's development.")),
    "care": (
        _("What I need from those who look after me"),
        _("My World Triangle: what the child needs from the adults around them."),
    ),
    "wider_world": (_("My wider world"), _("My World Triangle: family, school, friends, leisure.")),
    "resilience": (_("Resilience"), _("Resilience matrix: the child's own strengths.")),
    "vulnerability": (_("Vulnerability"), _("Resilience matrix: what makes the child vulnerable.")),
    "protective_environment": (
        _("Protective environment"),
        _("Resilience matrix: what around the child protects them."),
    ),
    "adverse_environment": (
        _("Adverse environment"),
        _("Resilience matrix: what around the child puts them at risk."),
    ),
    "expected_outcomes": (_("Expected outcomes"), ""),
    "risk_assessment": (_("Risk assessment"), ""),
    "evaluation": (
        _("How and when the plan is evaluated"),
        _("Who follows up, how, and when. Set the date of the follow-up on the plan page."),
    ),
}


def _wellbeing_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=WELLBEING_CHOICES, coerce=int, empty_value=None, required=False
    )


class PlanForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("A short note that is shown in the list of versions."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, hint) in SECTION_FIELDS.items():
            self.fields[name] = forms.CharField(
                label=label,
                help_text=hint,
                required=name == "reason",
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for value, label in Indicator.choices:
            self.fields[f"wellbeing_{value}"] = _wellbeing_field(label)

    def section_fields(self, *names: str) -> list[forms.BoundField]:
        return [self[n] for n in names]

    def wellbeing_fields(self) -> list[forms.BoundField]:
        return [self[f"wellbeing_{v}"] for v in Indicator.values]

    @staticmethod
    def initial_for(plan: Plan) -> dict[str, Any]:
        initial: dict[str, Any] = {n: getattr(plan, n) for n in SECTION_FIELDS}
        for key, value in plan.wellbeing.items():
            initial[f"wellbeing_{key}"] = str(value)
        return initial


class GoalForm(forms.Form):
    indicator = forms.ChoiceField(
        label=_("Wellbeing indicator"), choices=[("", _("Choose")), *Indicator.choices]
    )
    text = forms.CharField(
        label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterventionForm(forms.Form):
    intervention_type = forms.ModelChoiceField(
        label=_("Intervention from the catalogue"),
        queryset=InterventionType.objects.filter(active=True),
        required=False,
        empty_label=_("Other (describe below)"),
    )
    title = forms.CharField(
        label=_("Other intervention"),
        max_length=200,
        required=False,
        help_text=_("Only if the intervention is not in the catalogue."),
    )
    description = forms.CharField(
        label=_("What is done"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit responsible"),
        queryset=Unit.objects.select_related("agency__principal").order_by("name"),
        empty_label=_("Choose a unit"),
    )
    responsible = forms.CharField(label=_("Responsible person"), max_length=200, required=False)
    start_date = forms.DateField(label=_("From"), widget=DateInput())
    end_date = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("intervention_type") and not (data.get("title") or "").strip():
            self.add_error("title", _("Choose an intervention from the catalogue or describe it."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("An intervention cannot end before it starts."))
        return data


GoalFormSet = forms.formset_factory(GoalForm, extra=2, can_delete=True, max_num=30)
InterventionFormSet = forms.formset_factory(InterventionForm, extra=2, can_delete=True, max_num=30)


def plan_data_from(
    form: PlanForm, goals: forms.BaseFormSet, interventions: forms.BaseFormSet
) -> services.PlanData:
    data = form.cleaned_data
    return services.PlanData(
        sections={n: data.get(n) or "" for n in SECTION_FIELDS},
        wellbeing={
            v: data[f"wellbeing_{v}"] for v in Indicator.values if data.get(f"wellbeing_{v}")
        },
        goals=[
            services.GoalData(f.cleaned_data["indicator"], f.cleaned_data["text"])
            for f in goals.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
        interventions=[
            services.InterventionData(
                unit=f.cleaned_data["unit"],
                start_date=f.cleaned_data["start_date"],
                end_date=f.cleaned_data.get("end_date"),
                intervention_type=f.cleaned_data.get("intervention_type"),
                title=f.cleaned_data.get("title") or "",
                description=f.cleaned_data.get("description") or "",
                responsible=f.cleaned_data.get("responsible") or "",
            )
            for f in interventions.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
    )


class AgreementForm(forms.Form):
    guardian = forms.ModelChoiceField(
        label=_("Guardian"), queryset=Guardian.objects.none(), empty_label=_("Choose")
    )
    agrees = forms.TypedChoiceField(
        label=_("Does the guardian agree to the plan?"),
        choices=[("yes", _("Yes, agrees")), ("no", _("No, does not agree"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    on_date = forms.DateField(label=_("Date"), widget=DateInput())
    how = forms.ChoiceField(label=_("How"), choices=HowAgreed.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, guardians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = guardians


class ScheduleForm(forms.Form):
    due_date = forms.DateField(label=_("Date of the follow-up"), widget=DateInput())


class FollowUpForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    next_date = forms.DateField(
        label=_("Date of the next follow-up"),
        required=False,
        widget=DateInput(),
        help_text=_("Needed when the plan continues."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        indicator = dict(Indicator.choices)
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.TypedChoiceField(
                label=f"{indicator.get(goal.indicator, goal.indicator)}: {goal.text}",
                choices=Attainment.choices,
                coerce=int,
                widget=forms.RadioSelect,
            )
        for value, label in Indicator.choices:
            self.fields[f"wellbeing_{value}"] = _wellbeing_field(label)

    def goal_fields(self) -> list[forms.BoundField]:
        return [self[f"goal_{g.pk}"] for g in self.goals]

    def wellbeing_fields(self) -> list[forms.BoundField]:
        return [self[f"wellbeing_{v}"] for v in Indicator.values]

    def data_for_service(self) -> services.FollowUpData:
        data = self.cleaned_data
        return services.FollowUpData(
            ratings={g.pk: data[f"goal_{g.pk}"] for g in self.goals},
            wellbeing={
                v: data[f"wellbeing_{v}"] for v in Indicator.values if data.get(f"wellbeing_{v}")
            },
            decision=data["decision"],
            notes=data.get("notes") or "",
            next_date=data.get("next_date"),
        )
