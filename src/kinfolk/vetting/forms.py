"""Coordinators' forms for check expiry: they parse input, the services rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kinfolk.people.models import VolunteerCheck

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class ValidityForm(forms.Form):
    """Months each kind of check stays valid; empty means it never expires."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in VolunteerCheck.Kind.choices:
            self.fields[kind] = forms.IntegerField(
                label=capfirst(label),
                required=False,
                min_value=1,
                max_value=120,
                help_text=_("Months it stays valid; leave empty if it never expires."),
            )

    def months(self) -> dict[str, int | None]:
        return {kind: self.cleaned_data.get(kind) for kind in VolunteerCheck.Kind.values}


class RenewalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Check"), choices=VolunteerCheck.Kind.choices)
    completed_on = forms.DateField(label=_("Done on"), widget=DATE_WIDGET)
    expires_on = forms.DateField(
        label=_("Valid until (optional)"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Leave empty to use the programme's validity for this kind of check."),
    )
