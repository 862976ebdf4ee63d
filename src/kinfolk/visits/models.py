"""Visit windows, the times proposed inside them, reminders and calendar feeds.

A visit record holds logistics (when, where in words, who hosts, whether it
happened) and each side's optional feedback on the visit, never an address
and never a note about a person (charter rule 4).  Nothing here counts a
person's declines or pauses (rule 2).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.accounts.tokens import token_hash, token_hash_unusable, token_new
from kinfolk.pairings.models import Pairing
from kinfolk.timestamps import Updated

SIDES = ("volunteer", "household")


class Visit(Updated):
    """One visit window of a pairing: the pair settles an exact time inside it."""

    class Host(models.TextChoices):
        VOLUNTEER = "volunteer", _("the volunteer's home")
        HOUSEHOLD = "household", _("the household's home")
        PUBLIC = "public", _("a public place")

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        AGREED = "agreed", _("time agreed")
        HAPPENED = "happened", _("happened")
        MISSED = "missed", _("did not happen")
        UNCONFIRMED = "unconfirmed", _("unconfirmed")
        CANCELLED = "cancelled", _("cancelled")

    class Outcome(models.TextChoices):
        NONE = "", _("not recorded")
        HAPPENED = "happened", _("it happened")
        MISSED = "missed", _("it did not happen")

    class CancelledBecause(models.TextChoices):
        NONE = "", _("not cancelled")
        PAUSED = "paused", _("the visits were paused")
        ENDED = "ended", _("the pairing ended")

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="visits")
    period = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    window_start = models.DateField()
    window_end = models.DateField()
    host = models.CharField(max_length=10, choices=Host.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PLANNED)
    agreed_at = models.DateTimeField(null=True, blank=True)
    place_note = models.CharField(
        _("where to meet"),
        max_length=120,
        blank=True,
        help_text=_("A public place, such as a café or library; never a home address."),
    )
    volunteer_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    household_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    first_outcome_at = models.DateTimeField(null=True, blank=True)
    volunteer_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    volunteer_words = models.CharField(max_length=300, blank=True)
    household_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    household_words = models.CharField(max_length=300, blank=True)
    #: Why and when a cancelled visit was cancelled, so that a link to it says what happened.
    # db_default too: the plan writer inserts windows with raw SQL that names
    # only the columns it sets.
    cancelled_because = models.CharField(
        max_length=8, choices=CancelledBecause.choices, blank=True, default="", db_default=""
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "period"], name="visit_one_per_period"),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")), name="visit_window_order"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "window_start"]),
            models.Index(fields=["pairing", "window_start"]),
            models.Index(fields=["state", "agreed_at"]),
            # The API's pages: rows changed since, in (updated_at, id) order.
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"visit {self.sequence} of pairing {self.pairing_id}"

    def outcome_of(self, side: str) -> str:
        return str(getattr(self, f"{side}_outcome"))


class TimeProposal(models.Model):
    """An exact time one side proposes inside a window; the other side answers."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        SUPERSEDED = "superseded", _("replaced by another time")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="times")
    proposed_by = models.CharField(max_length=10, choices=[(s, s) for s in SIDES])
    starts_at = models.DateTimeField()
    place_note = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit"], condition=Q(state="open"), name="time_one_open_per_visit"
            )
        ]


class ReminderPreference(models.Model):
    """The channels a person chose for visit reminders (e-mail on, SMS off by default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reminder_preference",
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by text message (SMS)"), default=False)


class ReminderSent(models.Model):
    """A reminder claimed for one recipient; the insert is the claim, so each is queued once.

    Its messages are outbox rows written in the same transaction (``sent_at``
    is when they were queued); the outbox delivers them.  ``ref`` tells
    apart reminders of one kind for one visit: the proposal id for "a time
    was proposed", the agreed time for "tomorrow".
    """

    class Kind(models.TextChoices):
        WINDOW_OPEN = "window_open", _("a window opens")
        PROPOSED = "proposed", _("a time was proposed")
        DAY_BEFORE = "day_before", _("the day before")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recipient_id = models.BigIntegerField()
    ref = models.CharField(max_length=40, blank=True)
    claim = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "kind", "recipient_id", "ref"], name="reminder_once"
            )
        ]
        indexes = [models.Index(fields=["claim"])]


def _new_feed_token() -> str:
    # Only migration 0001 uses this, for the plain-text column that 0002 replaced.
    return token_new()


class CalendarFeed(models.Model):
    """A private calendar address of one reader of one participant; deleting it revokes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    side = models.CharField(max_length=10, choices=[(s, s) for s in SIDES])
    person_id = models.BigIntegerField()
    # Only the SHA-256 of the address's token is stored; a copy of the database opens no feed.
    token_hash = models.CharField(
        max_length=64, unique=True, default=token_hash_unusable, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "side", "person_id"], name="calendar_feed_one_per_role"
            )
        ]

    #: The address's token, known only to the code that has just issued it.
    token = ""

    def token_issue(self) -> str:
        """A new secret for this feed's address, kept on the instance; its hash is stored."""
        self.token = token_new()
        self.token_hash = token_hash(self.token)
        return self.token
