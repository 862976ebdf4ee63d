"""Parsing what participants type about visits; business rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _


class TimeForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place_note = forms.CharField(
        label=_("Where to meet (a public place, never a home address)"),
        max_length=120,
        required=False,
    )

    def __init__(self, *args: Any, time_zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = ZoneInfo(time_zone)

    def starts_at(self) -> dt.datetime:
        """The chosen day and time in the programme's time zone, as an aware datetime."""
        data = self.cleaned_data
        return dt.datetime.combine(data["day"], data["time"], self.time_zone)


class OutcomeForm(forms.Form):
    happened = forms.TypedChoiceField(
        label=_("Did the visit happen?"),
        choices=[("yes", _("Yes, we met")), ("no", _("No, it did not happen"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the visit?"),
        choices=[("", _("No rating"))] + [(str(n), f"{n} / 5") for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    words = forms.CharField(
        label=_("A few words about the visit (not about the person)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChannelsForm(forms.Form):
    email = forms.BooleanField(label=_("By e-mail"), required=False)
    sms = forms.BooleanField(label=_("By text message (SMS) to our phone number"), required=False)
