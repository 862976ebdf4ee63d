"""Matching runs, the proposals they send, and the pairings both sides accepted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.timestamps import Updated


class MatchingRun(models.Model):
    """One background matching job, its progress and, once done, its proposed pairs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        READY = "ready", _("ready for review")
        SENT = "sent", _("proposals sent")
        DISCARDED = "discarded", _("discarded")
        FAILED = "failed", _("failed")

    class Scope(models.TextChoices):
        PROGRAMME = "programme", _("the whole programme")
        TOWN = "town", _("one town")
        ORGANISATION = "organisation", _("one organisation")
        REGION = "region", _("one region")

    class Mode(models.TextChoices):
        OPTIMAL = "optimal", _("optimal")
        STABLE = "stable", _("stable")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.PROGRAMME)
    town = models.CharField(max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # a few runs a day: no index worth a lock during an upgrade
    )
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.OPTIMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    #: Refreshed by the job while it runs; a run silent for too long lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    #: ``error`` of a run whose worker stopped (killed, out of memory) before it finished.
    WORKER_LOST = "worker-lost"

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def error_message(self) -> str:
        """Why the run failed, in the reader's language where the reason is known."""
        if self.error == self.WORKER_LOST:
            return str(
                _(
                    "The computer running this matching stopped before it finished; nothing "
                    "was saved. Start a new run."
                )
            )
        return self.error


class RunPair(models.Model):
    """A pair a run proposes, with the engine's explanation, before the coordinator sends it."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="pairs")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    cost = models.BigIntegerField()
    distance_km = models.FloatField()
    exchange = models.BooleanField(default=False)
    explanation = models.JSONField(default=dict)
    locked = models.BooleanField(default=False)
    manual = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "volunteer"], name="run_pair_volunteer_once"),
            models.UniqueConstraint(fields=["run", "household"], name="run_pair_household_once"),
        ]


class RunUnpaired(models.Model):
    """Someone a run could not pair, and why."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unpaired")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=40)


class RunRule(models.Model):
    """A pair the coordinator keeps in review, which the next run of the same scope keeps.

    Forbidding is not a run's rule but the programme's (``PairExclusion``): it
    outlasts the run and binds every later run, sending and import.
    """

    class Kind(models.TextChoices):
        LOCK = "lock", _("keep this pair")

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="rules")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "volunteer", "household"], name="run_rule_one_per_pair"
            )
        ]


class PairExclusion(models.Model):
    """A pair the programme never proposes, sends or pairs, until a coordinator lifts it.

    Lifting records who and when rather than deleting the row, so the person
    pages can show what was decided and undone.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exclusions")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="exclusions")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="exclusions")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField()
    note = models.CharField(_("note"), max_length=200, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            # One standing exclusion per pair: forbidding twice changes nothing.
            models.UniqueConstraint(
                fields=["volunteer", "household"],
                condition=Q(lifted_at__isnull=True),
                name="pair_exclusion_one_standing",
            )
        ]
        indexes = [models.Index(fields=["programme", "lifted_at"])]


class Proposal(models.Model):
    """A pair put to both sides; each accepts or declines, with no reason needed."""

    class State(models.TextChoices):
        OPEN = "open", _("waiting for answers")
        ACCEPTED = "accepted", _("accepted by both")
        DECLINED = "declined", _("declined")
        LAPSED = "lapsed", _("lapsed")
        CANCELLED = "cancelled", _("cancelled")

    class Answer(models.TextChoices):
        NONE = "", _("not yet")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="proposals")
    run = models.ForeignKey(
        MatchingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="proposals")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="proposals")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    volunteer_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    household_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    explanation = models.JSONField(default=dict)
    distance_km = models.FloatField()
    sent_at = models.DateTimeField()
    answer_by = models.DateTimeField()
    nudge_at = models.DateTimeField()
    nudged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # One open proposal per person: a second run cannot propose them twice.
            models.UniqueConstraint(
                fields=["volunteer"], condition=Q(state="open"), name="proposal_one_open_volunteer"
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(state="open"), name="proposal_one_open_household"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "answer_by"]),
            models.Index(fields=["state", "nudge_at"]),
        ]


class PairingImport(models.Model):
    """One upload of the pairings CSV: who made it, when, and what became of it.

    An accepted upload groups the pairings it created, so the job that tells both
    sides and plans their visits does it once.  A refused upload keeps its
    problems as CSV for download, for a few days only.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)
    problems_csv = models.TextField(blank=True)
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Pairing(Updated):
    """A volunteer and a household who both said yes; the household can end it alone."""

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    class Source(models.TextChoices):
        MATCHED = "matched", _("both accepted a proposal")
        IMPORTED = "imported", _("imported from an earlier system")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairings")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="pairings")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="pairings")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairing"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MATCHED)
    started_on = models.DateField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=12, blank=True)
    #: For a pairing made outside Kinfolk: the day both sides agreed, and who recorded it.
    agreed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_in = models.ForeignKey(
        PairingImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairings",
    )

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            # The database, not the code, guarantees one active pairing per person,
            # so two accepts at the same moment can never make two.
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(state="active"),
                name="pairing_one_active_volunteer",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(state="active"),
                name="pairing_one_active_household",
            ),
        ]
        # The API's pages: rows changed since, in (updated_at, id) order.
        indexes = [models.Index(fields=["programme", "updated_at", "id"])]


class VisitorReport(models.Model):
    """A household's report about its visitor to the programme (charter rule 6).

    The visitor never sees it: it protects the reporter (charter rule 4's
    stated exemption).  Only the programme's coordinators read it.
    """

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    words = models.TextField(_("what happened"), max_length=2000)
    ended_pairing = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
