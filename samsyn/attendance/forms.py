"""Forms of the attendance pages. They check what a form can; the services decide the rest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.models import User
from samsyn.attendance.followup_models import NotificationMethod, SignalLevel
from samsyn.attendance.indicators import Indicator
from samsyn.children.forms import DateInput
from samsyn.concerns.models import Concern

# Swedish labels of the indicators, as staff read them.
INDICATOR_LABELS: dict[str, Any] = {
    Indicator.ABSENCE_SHARE: _("Absence share, last 20 school days"),
    Indicator.TERM_ABSENCE_SHARE: _("Absence share this term"),
    Indicator.LONG_ABSENCE: _("Long absence (consecutive full days)"),
    Indicator.REPEATED_ABSENCE: _("Repeated absence (occasions)"),
    Indicator.UNEXCUSED_REPEATED: _("Repeated unexcused absence (days)"),
    Indicator.RISING_TREND: _("Rising absence"),
    Indicator.UNEXCUSED_TODAY: _("Unexcused absence today"),
}
RISK_INDICATOR_CHOICES = [
    (str(i), INDICATOR_LABELS[i]) for i in Indicator if i is not Indicator.UNEXCUSED_TODAY
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class SignalFilterForm(forms.Form):
    """The filters above a school's signals (GET)."""

    niva = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *SignalLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    arskurs = forms.TypedChoiceField(
        label=_("Grade"), choices=[], coerce=int, empty_value=None, required=False
    )
    indikator = forms.ChoiceField(
        label=_("Indicator"),
        choices=[("", _("All indicators")), *RISK_INDICATOR_CHOICES],
        required=False,
    )

    def __init__(self, *args: Any, grades: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["arskurs"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All grades")), *((str(g), str(g)) for g in grades)]


class NotificationForm(forms.Form):
    """How and when the guardians were told of the day's unexcused absence."""

    method = forms.ChoiceField(
        label=_("How were the guardians told?"),
        choices=[("", _("Choose")), *NotificationMethod.choices],
        error_messages={"required": _("Choose how the guardians were told.")},
    )
    on_date = forms.DateField(label=_("Date"), widget=DateInput())
    at_time = forms.TimeField(label=_("Time"), widget=TimeInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @classmethod
    def now(cls, prefix: str) -> NotificationForm:
        local = timezone.localtime()
        return cls(
            prefix=prefix,
            initial={"on_date": local.date(), "at_time": local.time().replace(microsecond=0)},
        )

    def notified_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["on_date"]
        time: dt.time = self.cleaned_data["at_time"]
        return timezone.make_aware(dt.datetime.combine(day, time))


class WithWhom:
    PUPIL = "pupil"
    GUARDIANS = "guardians"
    STUDENT_HEALTH = "student_health"


class InvestigatorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg,unused-ignore]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class InvestigationForm(forms.Form):
    investigator = InvestigatorChoiceField(
        label=_("Investigator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not chosen"),
        help_text=_("A member of staff at the school or its student health team."),
    )
    with_whom = forms.MultipleChoiceField(
        label=_("Investigated together with"),
        choices=[
            (WithWhom.PUPIL, _("The pupil")),
            (WithWhom.GUARDIANS, _("The guardians")),
            (WithWhom.STUDENT_HEALTH, _("The student health team")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    participants = forms.CharField(
        label=_("Others taking part"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        max_length=10000,
        help_text=_("What lies behind the absence, as the investigation found it."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    measures = forms.CharField(
        label=_("Measures"),
        required=False,
        max_length=10000,
        help_text=_("What the school does, and what others are asked to do."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["investigator"]
        assert isinstance(field, InvestigatorChoiceField)
        field.queryset = staff

    @staticmethod
    def initial_for(investigation: Any) -> dict[str, Any]:
        with_whom = [
            value
            for value, on in (
                (WithWhom.PUPIL, investigation.with_pupil),
                (WithWhom.GUARDIANS, investigation.with_guardians),
                (WithWhom.STUDENT_HEALTH, investigation.with_student_health),
            )
            if on
        ]
        return {
            "investigator": investigation.investigator_id,
            "with_whom": with_whom,
            "participants": investigation.participants,
            "findings": investigation.findings,
            "measures": investigation.measures,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "investigator": data["investigator"],
            "with_pupil": WithWhom.PUPIL in data["with_whom"],
            "with_guardians": WithWhom.GUARDIANS in data["with_whom"],
            "with_student_health": WithWhom.STUDENT_HEALTH in data["with_whom"],
            "participants": data["participants"],
            "findings": data["findings"],
            "measures": data["measures"],
        }


class ConcernChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg,unused-ignore]
    def label_from_instance(self, obj: Any) -> str:
        return str(_("Concern received %(date)s")) % {"date": obj.created_at.date().isoformat()}


class ConcernLinkForm(forms.Form):
    concern = ConcernChoiceField(
        label=_("The concern the investigation led to"),
        queryset=Concern.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args: Any, concerns: QuerySet[Concern], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concern"]
        assert isinstance(field, ConcernChoiceField)
        field.queryset = concerns


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthForm(forms.Form):
    manad = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("Year and month: YYYY-MM."),
        widget=forms.TextInput(attrs={"class": "input-short", "inputmode": "numeric"}),
    )

    def clean_manad(self) -> tuple[int, int]:
        match = _MONTH.match(self.cleaned_data["manad"].strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(_("Write the month as YYYY-MM, for example 2025-03."))
        return int(match.group(1)), int(match.group(2))


MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File from the school system"),
        help_text=_(
            "CSV (UTF-8 or Windows-1252, comma or semicolon) or Excel (.xlsx), one line per "
            "lesson, with English or Swedish headers. The whole file is checked first: if any "
            "line is wrong, nothing is saved and every wrong line is listed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than 200 MB. Split it, or ask the administrator to use "
                    "samsyn attendance import."
                )
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
