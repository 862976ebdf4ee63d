"""Expense claims: a participant's costs for a visit that happened, from claim to payment.

A claim holds logistics and money only: which visit, how the claimant
travelled and how far, the amounts in the programme's currency (integer minor
units), an optional receipt with its metadata stripped, and the coordinator's
decision.  Never a note about a person (charter rule 4): the words a claim
holds say what a cost was for, why a distance was corrected, why a claim was
approved or refused, and how an unconfirmed visit was confirmed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.timestamps import Updated
from kinfolk.visits.models import Visit


class ClaimSettings(models.Model):
    """A programme's rules for claims; a programme without a row uses the defaults."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, primary_key=True, related_name="claim_settings"
    )
    households_may_claim = models.BooleanField(
        _("households may claim hosting costs"),
        default=False,
        help_text=_("Volunteers can always claim; households only when this is on."),
    )


class TravelMode(models.TextChoices):
    CAR = "car", _("car")
    PUBLIC = "public", _("public transport")
    WALK = "walk", _("on foot or by bicycle")


class ExpenseClaim(Updated):
    """One participant's claim for one visit: submitted, then approved or refused, then paid."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for a decision")
        APPROVED = "approved", _("approved, not yet paid")
        REJECTED = "rejected", _("not approved")
        PAID = "paid", _("paid")

    class Side(models.TextChoices):
        VOLUNTEER = "volunteer", _("volunteer")
        HOUSEHOLD = "household", _("household")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="claims")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="claims")
    side = models.CharField(max_length=10, choices=Side.choices)
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="claims"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="claims"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    travel_mode = models.CharField(_("how you travelled"), max_length=8, choices=TravelMode.choices)
    #: Straight line between the two homes times the detour factor, as first suggested.
    distance_suggested_m = models.PositiveIntegerField(default=0)
    distance_m = models.PositiveIntegerField(_("distance there and back (metres)"), default=0)
    distance_reason = models.CharField(_("why the distance differs"), max_length=200, blank=True)
    currency = models.CharField(max_length=3)
    travel_minor = models.PositiveBigIntegerField(_("travel cost"), default=0)
    other_minor = models.PositiveBigIntegerField(_("other costs"), default=0)
    other_what = models.CharField(_("what the other costs were for"), max_length=120, blank=True)
    receipt = models.FileField(max_length=200, blank=True)
    receipt_type = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note to the claimant"), max_length=300, blank=True)
    #: Required before a claim on an "unconfirmed" visit is approved: how it was confirmed.
    confirmation_note = models.CharField(
        _("how you confirmed the visit happened"), max_length=300, blank=True
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A refused claim may be made again; anything else is the one claim of that side.
            models.UniqueConstraint(
                fields=["visit", "side"],
                condition=~Q(state="rejected"),
                name="expense_claim_one_per_visit_side",
            ),
            models.CheckConstraint(
                condition=Q(side="volunteer", volunteer__isnull=False, household__isnull=True)
                | Q(side="household", household__isnull=False, volunteer__isnull=True),
                name="expense_claim_one_claimant",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "state", "created_at"]),
            models.Index(fields=["programme", "decided_at"]),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk} for visit {self.visit_id}"

    @property
    def total_minor(self) -> int:
        return int(self.travel_minor) + int(self.other_minor)

    @property
    def claimant(self) -> Volunteer | Household:
        return self.volunteer if self.side == self.Side.VOLUNTEER else self.household  # type: ignore[return-value]

    @property
    def distance_corrected(self) -> bool:
        return self.distance_m != self.distance_suggested_m
