"""Forms for a participant's profile: the data dictionary's fields, checked.

Each form turns what a person typed into the dictionary's strings and answers
bad input with a message beside the field; nothing is stored by a form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kinfolk.engine import dictionary as dd
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import household_member_list
from kinfolk.people.widgets import LanguagesField, SpeaksField
from kinfolk.privacy.phones import phone_normalise
from kinfolk.privacy.services import contact_details_read
from kinfolk.programmes.models import Programme
from kinfolk.programmes.places import distance_km, town_get, towns
from kinfolk.web.field_errors import field_error_text

DAY_LABELS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
PART_LABELS = (_("morning"), _("afternoon"), _("evening"))
#: ``mon-am`` is offered as "Monday morning", so a screen reader reads each box whole.
SLOT_CHOICES = [
    (
        slot,
        format_lazy(
            _("{day} {part_of_day}"), day=DAY_LABELS[i // 3], part_of_day=PART_LABELS[i % 3]
        ),
    )
    for i, slot in enumerate(dd.SLOTS)
]
LEVEL_LABELS = {"basic": _("basic"), "conversational": _("conversational"), "fluent": _("fluent")}
CONDITION_CHOICES = [(c, c.replace("_", " ")) for c in dd.CONDITIONS]


#: The profile fields that forms, CSV files and the engine share, stored on the person.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "town",
    "lat",
    "lon",
    "max_travel_km",
    "visit_places",
    "speaks",
    "learning",
    "availability",
    "offers",
    "accepts",
    "blackout",
    "travel_mode",
)
#: The profile form's contact fields, stored only through ``kinfolk.privacy.services``.
CONTACT_FORM_FIELDS = ("phone", "address")


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("As you would dial it; a number from another country with its + code."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Shown only to your partner once you have both accepted a pairing."),
    )
    town = forms.CharField(
        label=_("Nearest town"),
        max_length=120,
        widget=forms.TextInput(attrs={"list": "towns", "autocomplete": "off"}),
    )
    lat = forms.FloatField(
        label=_("Latitude (optional)"),
        required=False,
        help_text=_("Leave empty to use the town centre."),
    )
    lon = forms.FloatField(label=_("Longitude (optional)"), required=False)
    max_travel_km = forms.FloatField(
        label=_("How far will you travel (km)?"), min_value=0, max_value=200, initial=10
    )
    visit_places = forms.ChoiceField(
        label=_("Where may visits happen?"),
        choices=[
            ("home", _("at home")),
            ("public", _("in a public place")),
            ("either", _("either")),
        ],
    )
    speaks = SpeaksField(
        label=_("Languages you speak"),
        max_length=300,
        help_text=_(
            "Conversational or better in at least one: that is how you will talk with your match."
        ),
    )
    learning = LanguagesField(
        label=_("Languages you are learning"),
        max_length=200,
        required=False,
        help_text=_("We try to pair you with someone who speaks them, for an exchange."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you usually free?"),
        choices=SLOT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    offers = forms.MultipleChoiceField(
        label=_("My home has"),
        choices=CONDITION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accepts = forms.MultipleChoiceField(
        label=_("I am happy to visit a home with"),
        choices=CONDITION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    blackout = forms.CharField(
        label=_("Dates with no visits"),
        max_length=500,
        required=False,
        # The example is the input's own format: <code> marks it as such.
        help_text=_(
            "Ranges as year-month-day, such as <code>2026-12-20..2027-01-03</code>; "
            "separate several with <code>;</code>."
        ),
    )
    travel_mode = forms.ChoiceField(
        label=_("How do you usually travel?"),
        choices=[("car", _("car")), ("public", _("public transport")), ("walk", _("on foot"))],
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        # The programme's own languages head the list.
        first = tuple(t for t in programme.languages.split(";") if t)
        for name in ("speaks", "learning"):
            self.fields[name].widget.first_languages = first

    def availability_grid(self) -> list[tuple[Any, list[Any]]]:
        """The 21 availability boxes as 7 rows (days) of 3 (morning, afternoon, evening)."""
        boxes = list(self["availability"])
        n = len(dd.PARTS)
        return [(day, boxes[i * n : (i + 1) * n]) for i, day in enumerate(DAY_LABELS)]

    def town_names(self) -> list[str]:
        """Towns of the programme's country inside its service area, for the datalist."""
        p = self.programme
        return [
            t.name
            for t in towns(p.country)
            if distance_km(t.lat, t.lon, p.centre_lat, p.centre_lon) <= p.radius_km
        ]

    @classmethod
    def initial_for(
        cls, person: Volunteer | Household, *, viewer: Any, reason: str = "own profile"
    ) -> dict[str, Any]:
        """Turn a stored person into the form's initial values.

        ``viewer`` is the person, or a coordinator editing on their behalf (whose
        read of the contact details is logged with ``reason``).
        """
        initial: dict[str, Any] = {f: getattr(person, f) for f in PROFILE_FIELDS}
        initial |= contact_details_read(
            viewer=viewer, person=person, fields=CONTACT_FORM_FIELDS, reason=reason
        )
        initial["availability"] = [s for s in initial["availability"].split(";") if s]
        initial["offers"] = [s for s in initial["offers"].split(";") if s]
        initial["accepts"] = [s for s in initial["accepts"].split(";") if s]
        town = town_get(person.programme.country, person.town)
        if town is not None and (town.lat, town.lon) == (person.lat, person.lon):
            # An unrefined point stays empty, so that picking another town moves it too.
            initial["lat"] = initial["lon"] = None
        return initial

    def _dictionary(self, name: str, parse: Any, fmt: Any) -> str:
        try:
            return str(fmt(parse(self.cleaned_data.get(name, ""))))
        except dd.FieldError as error:
            raise forms.ValidationError(field_error_text(error)) from None

    def clean_speaks(self) -> str:
        speaks = self._dictionary("speaks", dd.parse_speaks, dd.format_speaks)
        levels = [level for _tag, level in dd.parse_speaks(speaks)]
        if not any(dd.LEVELS.index(lv) >= dd.COMMUNICATION_LEVEL for lv in levels):
            raise forms.ValidationError(
                _("Add at least one language you speak at conversational level or better.")
            )
        return speaks

    def clean_phone(self) -> str:
        """Any way of writing a valid number of the programme's country (or with +), as E.164."""
        try:
            return phone_normalise(
                self.cleaned_data.get("phone", ""), country=self.programme.country
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean_learning(self) -> str:
        return self._dictionary("learning", dd.parse_languages, dd.format_languages)

    def clean_blackout(self) -> str:
        return self._dictionary("blackout", dd.parse_blackout, dd.format_blackout)

    def clean_availability(self) -> str:
        return ";".join(s for s in dd.SLOTS if s in self.cleaned_data["availability"])

    def clean_offers(self) -> str:
        return dd.format_conditions(self.cleaned_data["offers"])

    def clean_accepts(self) -> str:
        return dd.format_conditions(self.cleaned_data["accepts"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "town" in data:
            self._clean_location(data)
        return data

    def _clean_location(self, data: dict[str, Any]) -> None:
        town = town_get(self.programme.country, data["town"])
        if town is None:
            self.add_error("town", _("Pick a town of this programme's country from the list."))
            return
        data["town"] = town.name
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            self.add_error("lat", _("Give both latitude and longitude, or neither."))
            return
        if lat is None:
            data["lat"], data["lon"] = town.lat, town.lon
        elif lon is not None and distance_km(lat, lon, town.lat, town.lon) > 30:
            self.add_error(
                "lat", _("This point is more than 30 km from %(town)s.") % {"town": town.name}
            )
            return
        p = self.programme
        if distance_km(data["lat"], data["lon"], p.centre_lat, p.centre_lon) > p.radius_km:
            self.add_error(
                "town",
                _("This place is outside the programme's service area (%(km)s km around it).")
                % {"km": p.radius_km},
            )


class PersonContactForm(forms.Form):
    """Who a coordinator is inviting or recording a paper consent for."""

    first_name = forms.CharField(label=_("First name"), max_length=80)
    email = forms.EmailField(label=_("E-mail address"))


def consent_text(programme: Programme) -> str:
    """What a person agrees to when they sign up or accept an invitation."""
    return str(
        _(
            "I want to take part in %(programme)s. I agree that the programme keeps what I "
            "enter here to pair me and to plan visits. I can pause, leave or withdraw this "
            "consent at any time, without giving a reason."
        )
        % {"programme": programme.name}
    )


class ConsentForm(forms.Form):
    """The one box that makes someone a participant; it is never pre-ticked."""

    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Tick this box to take part; nothing is stored without it.")},
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text(programme)


class SignupForm(ConsentForm):
    """A public sign-up; ``role`` (from the link's ``?role=``) preselects one of the roles."""

    role = forms.ChoiceField(
        label=_("I am joining as"),
        choices=[
            ("volunteer", _("a volunteer, visiting a household")),
            ("household", _("a household, welcoming a volunteer")),
        ],
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("First name"), max_length=80)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send a link to this address; your sign-up starts when you open it."),
    )

    field_order = ["role", "first_name", "email", "consent"]

    def __init__(self, *args: Any, role: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Anything but a known role leaves the choice to the person, as with no parameter.
        if role in dict(self.fields["role"].choices):  # type: ignore[attr-defined]
            self.initial["role"] = role

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class PasswordForm(forms.Form):
    """A new password, checked by the site's password validators."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, first_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.first_name = first_name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            # An unsaved user lets the similarity validator compare with the e-mail and name.
            candidate = get_user_model()(email=self.email, first_name=self.first_name)
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AdultInviteForm(forms.Form):
    """Another adult of the household, who gets a link to join it."""

    first_name = forms.CharField(label=_("Their first name"), max_length=80)
    email = forms.EmailField(label=_("Their e-mail address"))

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if household_member_list(household=self.household).filter(user__email=email).exists():
            raise forms.ValidationError(_("This adult is already part of your household."))
        return email
