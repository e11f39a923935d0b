"""Forms of the consent pages. They check what a form can; the services decide the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.forms import DateInput
from samsyn.children.models import Guardianship
from samsyn.consent.models import ChildView, GuardianConsent, GuardianDecision, HowGiven, Purpose
from samsyn.organisations.models import SecrecyDomain, Unit


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.agency.name})"


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What the consent is for"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    units = forms.MultipleChoiceField(
        label=_("Units that may share information with each other"),
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("Kinds of information that may be shared"),
        help_text=_("By the secrecy domain the information comes from."),
        choices=SecrecyDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DateInput(), help_text=_("At most one year.")
    )
    how_given = forms.ChoiceField(
        label=_("How the consent was given"), choices=HowGiven.choices, widget=forms.RadioSelect
    )
    given_by = forms.MultipleChoiceField(
        label=_("Guardians who have given their consent"),
        help_text=_(
            "Every guardian with custody must consent (both, with joint custody). Those not "
            "ticked are recorded as not yet answered."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    child_view = forms.ChoiceField(
        label=_("The child's view"),
        choices=ChildView.choices,
        initial=ChildView.NOT_ASKED,
        widget=forms.RadioSelect,
        help_text=_("The child's view weighs more with the child's age and maturity."),
    )
    child_view_note = forms.CharField(
        label=_("The child's own words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        units: Sequence[Unit],
        guardianships: Sequence[Guardianship],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unit_map = {str(u.pk): u for u in units}
        units_field = self.fields["units"]
        assert isinstance(units_field, forms.MultipleChoiceField)
        units_field.choices = [(str(u.pk), unit_label(u)) for u in units]
        self.guardian_map = {str(g.guardian.pk): g.guardian for g in guardianships}
        given_field = self.fields["given_by"]
        assert isinstance(given_field, forms.MultipleChoiceField)
        given_field.choices = [
            (str(g.guardian.pk), f"{g.guardian.full_name} ({g.get_custody_display()})")
            for g in guardianships
        ]
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_to"].initial = today.replace(year=today.year + 1) - dt.timedelta(days=1)

    def clean_units(self) -> list[Unit]:
        return [self.unit_map[k] for k in self.cleaned_data["units"]]

    def clean_given_by(self) -> list[Any]:
        return [self.guardian_map[k] for k in self.cleaned_data["given_by"]]


class GuardianAnswerForm(forms.Form):
    prefix = "answer"

    guardian = forms.ChoiceField(label=_("Guardian"))
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (GuardianDecision.GIVEN, GuardianDecision.GIVEN.label),
            (GuardianDecision.REFUSED, GuardianDecision.REFUSED.label),
        ],
        widget=forms.RadioSelect,
    )
    how_given = forms.ChoiceField(
        label=_("How the answer was given"), choices=HowGiven.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, pending: Sequence[GuardianConsent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = {str(r.guardian_id): r for r in pending}
        guardian_field = self.fields["guardian"]
        assert isinstance(guardian_field, forms.ChoiceField)
        guardian_field.choices = [(str(r.guardian_id), r.guardian.full_name) for r in pending]

    def clean_guardian(self) -> GuardianConsent:
        return self.rows[self.cleaned_data["guardian"]]


class WithdrawForm(forms.Form):
    prefix = "withdraw"

    note = forms.CharField(
        label=_("Who withdrew the consent, and how"),
        help_text=_(
            "For example: the mother, by telephone to the principal. Takes effect at once."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
