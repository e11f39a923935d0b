"""Forms of the concern pages. They check what a form can; the services decide the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.children.forms import UnitChoiceField
from samsyn.concerns.models import Indicator, TriageDecision, Urgency
from samsyn.organisations.models import Unit

_TEXTAREA = {"rows": 4}


class LookupForm(forms.Form):
    personnummer = forms.CharField(
        label=_("The child's personnummer"),
        max_length=20,
        help_text=_("The whole number: YYYYMMDD-NNNN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# The confirmed number travels in a hidden field; its own id keeps ids unique on the page.
_CONFIRMED = forms.HiddenInput(attrs={"id": "id_confirmed_personnummer"})


class ConcernForm(forms.Form):
    personnummer = forms.CharField(widget=_CONFIRMED, max_length=20)
    observed = forms.CharField(
        label=_("What have you observed?"),
        max_length=5000,
        help_text=_("Describe what you have seen or heard, not what you think it means."),
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    indicators = forms.MultipleChoiceField(
        label=_("Which parts of the child's wellbeing does it touch?"),
        choices=Indicator.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one wellbeing indicator.")},
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporter_unit"] = UnitChoiceField(
            units=units, grouped=False, label=_("Your unit")
        )


class TriageForm(forms.Form):
    in_the_way = forms.CharField(
        label=_("1. What stands in the way of the child's wellbeing?"),
        max_length=5000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    information = forms.CharField(
        label=_("2. Do I have all the information I need?"),
        max_length=5000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    i_can_do = forms.CharField(
        label=_("3. What can I do now?"),
        max_length=5000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    agency_can_do = forms.CharField(
        label=_("4. What can my agency do?"),
        max_length=5000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    help_needed = forms.CharField(
        label=_("5. What further help is needed from other agencies?"),
        max_length=5000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=TriageDecision.choices, widget=forms.RadioSelect
    )


class ReportForm(forms.Form):
    personnummer = forms.CharField(widget=_CONFIRMED, max_length=20, required=False)
    concern = forms.UUIDField(widget=forms.HiddenInput, required=False)
    immediate_danger = forms.BooleanField(
        label=_("The child is in immediate danger"),
        required=False,
        help_text=_("Call 112 first. Then send the report."),
    )
    description = forms.CharField(
        label=_("What is the report about?"),
        max_length=10000,
        help_text=_("What you have seen or heard, when, and what the child has said."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporter_unit"] = UnitChoiceField(
            units=units, grouped=False, label=_("Your unit")
        )


class ReportDecisionForm(forms.Form):
    investigation_opened = forms.TypedChoiceField(
        label=_("Is an investigation opened?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Feedback to the reporter"),
        max_length=5000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )


class ConsultationForm(forms.Form):
    text = forms.CharField(
        label=_("The case"),
        max_length=10000,
        help_text=_(
            "Names, personnummer, birth date, addresses and unit names are removed before the "
            "group sees the text. Only the age in years is shown."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    flagged_names = forms.CharField(
        label=_("Other names to remove"),
        max_length=1000,
        required=False,
        help_text=_("Separate with commas, e.g. siblings, teachers or places."),
    )

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group_unit"] = UnitChoiceField(
            units=units, grouped=True, label=_("Consultation group")
        )
        self.order_fields(["group_unit", "text", "flagged_names"])


class AdviceForm(forms.Form):
    advice = forms.CharField(
        label=_("The group's advice"), max_length=10000, widget=forms.Textarea(attrs=_TEXTAREA)
    )
