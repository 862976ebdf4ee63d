"""Programmes, the organisations volunteers come from, and coordinators."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _new_signup_token() -> str:
    return secrets.token_urlsafe(16)


class Programme(models.Model):
    """One pairing programme: its place, its rhythm and the checks it requires."""

    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. GB"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/London")
    centre_lat = models.FloatField(
        _("centre latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    centre_lon = models.FloatField(
        _("centre longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    radius_km = models.PositiveIntegerField(
        _("service radius (km)"), validators=[MinValueValidator(1), MaxValueValidator(3000)]
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        _("weeks between visits"), default=8, validators=[MinValueValidator(1)]
    )
    visit_minutes = models.PositiveSmallIntegerField(
        _("visit length (minutes)"), default=120, validators=[MinValueValidator(15)]
    )
    languages = models.CharField(
        _("languages the programme works in"),
        max_length=200,
        default="en",
        help_text=_("IETF tags separated by ';', e.g. en;pl"),
    )
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    proposal_days = models.PositiveSmallIntegerField(
        _("days to answer a proposal"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
        help_text=_("Unanswered proposals are nudged once halfway, then lapse."),
    )
    requires_references = models.BooleanField(_("references required"), default=True)
    requires_training = models.BooleanField(_("training required"), default=True)
    requires_safeguarding = models.BooleanField(_("safeguarding check required"), default=False)
    signup_token = models.CharField(max_length=40, unique=True, default=_new_signup_token)
    signup_open = models.BooleanField(_("public sign-up open"), default=True)
    pairs_cross_regions = models.BooleanField(
        _("pairs may cross a region border"),
        default=False,
        db_default=False,  # added online: old code inserting programmes leaves it out
        help_text=_(
            "Off: a matching run that spans several regions pairs people only within each region."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    #: Not a field: set by ``programme_get`` for a coordinator limited to these
    #: organisations (kinfolk.staff.scope); None means the whole programme.
    organisation_limit: frozenset[int] | None = None
    #: Likewise for a coordinator limited to these regions (kinfolk.regions).
    region_limit: frozenset[int] | None = None

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def viewed_whole(self) -> bool:
        """True unless the coordinator who fetched it is limited to organisations or regions."""
        return self.organisation_limit is None and self.region_limit is None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """The date in the programme's time zone: "today" for every rule of this programme."""
        return timezone.localdate(now or timezone.now(), timezone=self.zone)

    @property
    def required_checks(self) -> list[str]:
        kinds = []
        if self.requires_references:
            kinds.append("references")
        if self.requires_training:
            kinds.append("training")
        if self.requires_safeguarding:
            kinds.append("safeguarding")
        return kinds


class Organisation(models.Model):
    """Where a group of volunteers comes from: a company, a school, a club."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        SCHOOL = "school", _("school")
        DEPARTMENT = "department", _("department")
        CLUB = "club", _("club")
        OTHER = "other", _("other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Coordinator(models.Model):
    """A user's appointment to run one programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="coordinators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_roles"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="coordinator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} coordinates {self.programme}"
