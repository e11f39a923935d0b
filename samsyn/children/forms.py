"""Forms of the children's pages. They check what a form can; the services decide the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import User
from samsyn.children.identity import InvalidIdentityNumber, parse_identity_number
from samsyn.children.models import ProtectedIdentity
from samsyn.organisations.models import Unit, UnitType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _grouped_unit_choices(units: Sequence[Unit]) -> list[tuple[Any, Any]]:
    """``<optgroup>`` per unit type, in the order the units come."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        label = str(UnitType(unit.unit_type).label)
        groups.setdefault(label, []).append((str(unit.pk), unit.name))
    return [(label, options) for label, options in groups.items()]


class UnitChoiceField(forms.ChoiceField):
    """A choice among given units, cleaned to the :class:`Unit`."""

    def __init__(self, *, units: Sequence[Unit], grouped: bool, **kwargs: Any) -> None:
        self.units = {str(u.pk): u for u in units}
        choices: list[tuple[Any, Any]] = (
            _grouped_unit_choices(units) if grouped else [(str(u.pk), u.name) for u in units]
        )
        if len(units) != 1:
            choices = [("", _("Choose a unit")), *choices]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value: Any) -> Unit | None:
        key = super().clean(value)
        if not key:
            return None
        return self.units[key]


def _grade_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Grade"),
        required=False,
        min_value=0,
        max_value=9,
        help_text=_("Only for schools. Förskoleklass is grade 0."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Personnummer or name"),
        max_length=100,
        required=False,
        help_text=_(
            "Write the whole personnummer (YYYYMMDD-NNNN) or the beginning of the first or last "
            "name."
        ),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class RegisterChildForm(forms.Form):
    personnummer = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_(
            "YYYYMMDD-NNNN. A samordningsnummer or a temporary school number (YYYYMMDD-TNNN) "
            "also works."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    grade = _grade_field()
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    protected_identity = forms.ChoiceField(
        label=_("Protected identity"),
        choices=ProtectedIdentity.choices,
        initial=ProtectedIdentity.NONE,
        widget=forms.RadioSelect,
        help_text=_("With protected identity the child's address and unit are never shown."),
    )

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units=units, grouped=False, label=_("Unit"))
        self.order_fields(
            ["personnummer", "first_name", "last_name", "unit", "grade", "start_date"]
        )
        self.fields["start_date"].initial = timezone.localdate()

    def clean_personnummer(self) -> str:
        raw: str = self.cleaned_data["personnummer"]
        try:
            parse_identity_number(raw, allow_temporary=True, today=timezone.localdate())
        except InvalidIdentityNumber as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        return raw


class TransferForm(forms.Form):
    """Registrera övergång: the child starts at another preschool or school."""

    prefix = "transfer"

    grade = _grade_field()
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units=units, grouped=True, label=_("New unit"))
        self.order_fields(["unit", "grade", "start_date"])
        self.fields["start_date"].initial = timezone.localdate()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class BarnkontaktForm(forms.Form):
    """Name another Barnkontakt by hand, with a reason."""

    prefix = "barnkontakt"

    user = StaffChoiceField(
        label=_("New Barnkontakt"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("For example: the principal has delegated the task to the deputy principal."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, StaffChoiceField)
        user_field.queryset = candidates

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for choosing another Barnkontakt."))
        return reason
