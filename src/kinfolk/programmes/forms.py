from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from kinfolk.engine import dictionary as dd
from kinfolk.programmes.models import Programme
from kinfolk.programmes.places import countries


class ProgrammeForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country"))

    class Meta:
        model = Programme
        fields = [
            "name",
            "country",
            "time_zone",
            "centre_lat",
            "centre_lon",
            "radius_km",
            "cadence_weeks",
            "visit_minutes",
            "languages",
            "currency",
            "requires_references",
            "requires_training",
            "requires_safeguarding",
            "signup_open",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["country"].choices = [(code, f"{name} ({code})") for code, name in countries()]

    def clean_time_zone(self) -> str:
        name = str(self.cleaned_data["time_zone"]).strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                _("'%(tz)s' is not a time zone such as Europe/London.") % {"tz": name}
            )
        return name

    def clean_languages(self) -> str:
        try:
            tags = dd.parse_languages(self.cleaned_data["languages"], field="languages")
        except dd.FieldError as error:
            raise forms.ValidationError(error.message) from None
        if not tags:
            raise forms.ValidationError(_("Name at least one language."))
        return dd.format_languages(tags)

    def clean_currency(self) -> str:
        code = str(self.cleaned_data["currency"]).strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise forms.ValidationError(_("Use a three-letter currency code such as GBP or EUR."))
        return code


class AppointForm(forms.Form):
    email = forms.EmailField(label=_("Coordinator's e-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=80)
