"""The periodic tick's claims: one row per job and time slot, with how the run went."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TickRun(models.Model):
    """Inserting the row claims the slot; a second worker's insert fails and it skips.

    This is what makes ``kinfolk tick`` safe to run from cron on several
    machines at once, and twice in a row.  A run that failed keeps its row
    with the error and the time of its next try, so the next tick retries it
    after a back-off and operators see it on the health page.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    job = models.CharField(max_length=64)
    slot = models.CharField(max_length=32)
    state = models.CharField(max_length=8, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=200, blank=True)
    #: Tries in a row that failed, this one included (1 for a first try).
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=300, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="tick_run_claim")]
        indexes = [models.Index(fields=["job", "-started_at"], name="tick_run_latest")]
