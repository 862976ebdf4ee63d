"""Forms of the people import: the upload, the column mapping, postcodes, a paper consent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinfolk.imports.mapping import FIELDS
from kinfolk.imports.models import SIDES
from kinfolk.programmes.forms import DATE_WIDGET


class UploadForm(forms.Form):
    side = forms.ChoiceField(label=_("These are"), choices=SIDES)
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The first row names the columns. Any encoding and separator will do."),
    )


class MappingForm(forms.Form):
    """One choice per column of the file: which import field it holds, or none."""

    def __init__(self, *args: Any, header: list[str], mapping: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— not imported —")),
            *((name, f"{name}: {h}") for name, h in FIELDS.items()),
        ]
        self.columns = header
        for i, column in enumerate(header):
            self.fields[f"column_{i}"] = forms.ChoiceField(
                label=column, choices=choices, required=False, initial=mapping.get(column, "")
            )

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data[f"column_{i}"]
            for i, column in enumerate(self.columns)
            if self.cleaned_data.get(f"column_{i}")
        }


class PostcodeForm(forms.Form):
    postcodes = forms.FileField(
        label=_("Postcode file (CSV or XLSX: postcode, lat, lon)"),
        help_text=_("Replaces the programme's postcode file; rows are placed by it."),
    )


class InviteeConsentForm(forms.Form):
    given_on = forms.DateField(label=_("Date on the signed form"), widget=DATE_WIDGET)
