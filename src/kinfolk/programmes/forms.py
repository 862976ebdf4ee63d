"""Coordinators' and site administrators' forms: they parse input, the services rule.

A form here checks only what a field can tell on its own; every rule of the
programme is checked by the service the view calls, whose errors the view puts
beside the same fields.
"""

from __future__ import annotations

import zoneinfo
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kinfolk.engine import dictionary as dd
from kinfolk.people.models import VolunteerCheck
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.programmes.places import countries
from kinfolk.staff.scope import organisations_scoped
from kinfolk.web.bidi import isolate


class OrganisationChoiceField(forms.ModelChoiceField):
    """An organisation picked by name; the name, typed by a person, is isolated (web/bidi.py)."""

    def label_from_instance(self, obj: Any) -> str:
        return isolate(obj.name)


ROLE_CHOICES = [("volunteer", _("volunteer")), ("household", _("household"))]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


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
            "proposal_days",
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
            "households paired with them. Leave all unticked for the whole programme."
        ),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = cast(forms.ModelMultipleChoiceField, self.fields["organisations"])
        organisations.queryset = programme.organisations.all()
        organisations.label_from_instance = lambda o: isolate(o.name)  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["role"] = data.get("role") or self.COORDINATOR
        if data["role"] == self.VIEWER and data.get("organisations"):
            self.add_error(
                "organisations",
                _("A viewer sees counts of the whole programme; organisations limit coordinators."),
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

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)
    town = forms.CharField(label=_("Town"), required=False, max_length=120)

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
