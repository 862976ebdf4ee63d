"""Confirmations for the privacy pages: erasing cannot be undone, so it is asked for twice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(forms.Form):
    understood = forms.BooleanField(
        label=_("I understand that my account and what is stored about me are erased for good."),
        error_messages={
            "required": _("Tick the box to confirm that you want to erase everything.")
        },
    )


class PaperErasureForm(forms.Form):
    asked = forms.BooleanField(
        label=_("The person asked for this themselves, and I checked that it was them."),
        error_messages={"required": _("Tick the box to confirm who asked for the erasure.")},
    )


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label=_("Months to keep the data of people who left"),
        help_text=_("Then they are erased. From 1 to 120; 12 unless you change it."),
    )
