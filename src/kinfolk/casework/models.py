"""The coordinator's casework: notes and check-ins, actions on someone's behalf, concerns.

A note or an action is about one person, or about a pairing (and so about
both its people).  The person it is about reads it in "My data", except a
note marked safeguarding (an exemption the page states).  A concern is never
shown to the person it is about: it protects whoever raised it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinfolk.pairings.models import Pairing, VisitorReport
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.visits.models import Visit


class Channel(models.TextChoices):
    """How the coordinator and the person were in touch, or how the person asked."""

    PHONE = "phone", _("by phone")
    IN_PERSON = "in_person", _("in person")
    LETTER = "letter", _("by letter")
    EMAIL = "email", _("by e-mail")
    MESSAGE = "message", _("by text message")


_ONE_SUBJECT = Q(volunteer__isnull=False) | Q(household__isnull=False) | Q(pairing__isnull=False)


class CaseNote(models.Model):
    """A dated line in a person's or a pairing's log: a note, or a check-in with the pair."""

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        CHECK_IN = "check_in", _("check-in")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="case_notes"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="case_notes"
    )
    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, null=True, blank=True, related_name="case_notes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    channel = models.CharField(_("how you were in touch"), max_length=10, choices=Channel.choices)
    words = models.CharField(_("note"), max_length=500)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    #: Kept from the person it is about (DESIGN.md's stated exemption); coordinators only.
    safeguarding = models.BooleanField(_("safeguarding"), default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-id"]
        constraints = [models.CheckConstraint(condition=_ONE_SUBJECT, name="case_note_about")]
        indexes = [
            models.Index(fields=["pairing", "kind", "written_at"]),
            models.Index(fields=["programme", "follow_up_on"]),
        ]


class BehalfAction(models.Model):
    """Something a coordinator did for a person who asked: how they asked, who acted, when."""

    class Action(models.TextChoices):
        PAUSE = "pause", _("paused taking part")
        RESUME = "resume", _("resumed taking part")
        LEAVE = "leave", _("left the programme")
        PAIRING_END = "pairing_end", _("ended the pairing")
        PROFILE_EDIT = "profile_edit", _("changed the profile and contact details")
        OUTCOME = "outcome", _("recorded whether a visit happened")
        INVITATION_RESEND = "invitation_resend", _("sent the invitation again")
        PASSWORD_LINK = "password_link", _("sent a link to choose a new password")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="behalf_actions"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="behalf_actions"
    )
    pairing = models.ForeignKey(
        Pairing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    asked_by = models.CharField(_("how they asked"), max_length=10, choices=Channel.choices)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acted_at = models.DateTimeField(default=timezone.now)
    #: A short fact in the programme's words, e.g. which visit, never an assessment.
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-acted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False) | Q(household__isnull=False),
                name="behalf_action_for_someone",
            )
        ]


class Concern(models.Model):
    """A household's report about its visitor, or a volunteer's private concern about a visit.

    The person it is about never sees it, open or closed.
    """

    class Source(models.TextChoices):
        HOUSEHOLD = "household", _("a household about its visitor")
        VOLUNTEER = "volunteer", _("a volunteer about a visit")

    class State(models.TextChoices):
        NEW = "new", _("new")
        IN_HAND = "in_hand", _("in hand")
        CLOSED = "closed", _("closed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="concerns")
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visitor_report = models.OneToOneField(
        VisitorReport, on_delete=models.CASCADE, null=True, blank=True, related_name="concern"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    #: Empty once that account is deleted (an adult removed from the household, say); erasing
    #: either person of the pairing deletes the concern itself (``casework/erasure.py``).
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    words = models.TextField(_("what happened"), max_length=2000)
    state = models.CharField(max_length=8, choices=State.choices, default=State.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["programme", "state", "created_at"])]


class ConcernNote(models.Model):
    """A coordinator's note while handling a concern; coordinators only."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    words = models.CharField(_("note"), max_length=500)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "id"]


class CheckInSignal(models.Model):
    """Why a pair may need a check-in, as the last refresh found it (the hourly tick).

    Stored, so that the check-in list and the to-do page read a few rows
    instead of a year of visit windows; a check-in written on or after
    ``arose_on`` answers the signal.
    """

    class Reason(models.TextChoices):
        TWO_MISSED = "two_missed", _("two windows in a row without a visit, the latest from")
        UNCONFIRMED = "unconfirmed", _("the two sides remember the visit differently, window from")
        LOW_RATING = "low_rating", _("a visit rated low, window from")
        UNRECORDED = "unrecorded", _("no record 14 days after the window closed, window from")
        FIRST_VISIT = "first_visit", _("a new pair's first visit is due, window from")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    window_start = models.DateField()
    #: The day the signal arose: its window's end (a first visit due: its window's start).
    arose_on = models.DateField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["arose_on", "id"]
        indexes = [
            models.Index(fields=["programme", "arose_on"]),
            models.Index(fields=["pairing", "arose_on"]),
        ]


class UnreachablePerson(models.Model):
    """Someone no message can reach (no e-mail address, no phone), as the last refresh found.

    Stored hourly, so the to-do page reads a few rows; adding a way to reach
    them on their behalf removes the row at once.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    volunteer = models.OneToOneField(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: When the person joined: the to-do page lists the longest-unreachable first.
    since = models.DateTimeField()

    class Meta:
        ordering = ["since", "id"]
        indexes = [models.Index(fields=["programme", "since"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, household__isnull=True)
                | Q(volunteer__isnull=True, household__isnull=False),
                name="unreachable_one_person",
            )
        ]
