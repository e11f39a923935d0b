"""Forms of the Barnteam pages. They check what a form can; the services decide the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import User
from samsyn.organisations.models import Membership, Unit
from samsyn.teams.models import TeamMember


def candidate_key(m: Membership) -> str:
    return f"{m.user_id}:{m.unit_id}"


def candidate_label(m: Membership) -> str:
    return f"{m.user} – {m.get_role_display()}, {m.unit.name} ({m.unit.agency.name})"


class _CandidatesMixin:
    fields: dict[str, forms.Field]

    def _set_candidates(
        self, name: str, candidates: Sequence[Membership], first: list[tuple[Any, Any]]
    ) -> None:
        self.candidates = {candidate_key(m): (m.user, m.unit) for m in candidates}
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            *first,
            *((candidate_key(m), candidate_label(m)) for m in candidates),
        ]


class ConveneForm(_CandidatesMixin, forms.Form):
    members = forms.MultipleChoiceField(
        label=_("Members"),
        help_text=_(
            "Only staff at units covered by the guardians' consent in force for a Barnteam can be "
            "chosen. You are a member yourself."
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    lead = forms.ChoiceField(
        label=_("Stödsamordnare"),
        help_text=_("The family's single contact in the team."),
        required=False,
    )
    with_child = forms.BooleanField(
        label=_("The child takes part in the team"), required=False, initial=True
    )

    def __init__(
        self, *args: Any, candidates: Sequence[Membership], actor: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_candidates("members", candidates, [])
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ChoiceField)
        lead.choices = [
            ("", _("Me (the Barnkontakt)")),
            *((candidate_key(m), candidate_label(m)) for m in candidates),
        ]
        self.actor = actor

    def clean_members(self) -> list[tuple[User, Unit]]:
        return [self.candidates[k] for k in self.cleaned_data["members"]]

    def clean_lead(self) -> User:
        key = self.cleaned_data["lead"]
        return self.candidates[key][0] if key else self.actor


class MemberAddForm(_CandidatesMixin, forms.Form):
    prefix = "add"

    member = forms.ChoiceField(label=_("New member"))

    def __init__(self, *args: Any, candidates: Sequence[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_candidates("member", candidates, [("", _("Choose a person"))])

    def clean_member(self) -> tuple[User, Unit]:
        return self.candidates[self.cleaned_data["member"]]


class LeadForm(forms.Form):
    prefix = "lead"

    member = forms.ChoiceField(label=_("Stödsamordnare"))

    def __init__(self, *args: Any, members: Sequence[TeamMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(m.pk), str(m.user)) for m in members]

    def clean_member(self) -> TeamMember:
        return self.members[self.cleaned_data["member"]]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    prefix = "meeting"

    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        help_text=_("Also shown in the calendar invitation: do not name the child."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        start = (timezone.localtime() + dt.timedelta(days=7)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        self.fields["starts_at"].initial = start
        self.fields["ends_at"].initial = start + dt.timedelta(hours=1)


class MinutesForm(forms.Form):
    prefix = "minutes"

    minutes = forms.CharField(
        label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        max_length=10000,
        help_text=_("One decision per line: what, who is responsible, by when."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
