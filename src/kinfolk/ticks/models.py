"""The periodic tick's claims: one row per job and time slot."""

from __future__ import annotations

from django.db import models


class TickRun(models.Model):
    """Inserting the row claims the slot; a second worker's insert fails and it skips.

    This is what makes ``kinfolk tick`` safe to run from cron on several
    machines at once, and twice in a row.
    """

    job = models.CharField(max_length=64)
    slot = models.CharField(max_length=32)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="tick_run_claim")]
