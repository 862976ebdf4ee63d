"""A built outcome report kept in the database, so no reader waits for one to be built."""

from __future__ import annotations

from django.db import models

from kinfolk.programmes.models import Programme


class StoredReport(models.Model):
    """The counts of one programme's report for one scope, as of ``built_at``.

    A scope is what its readers may see: the whole programme, or the
    organisations and regions a limited coordinator is limited to
    (``organisations`` and ``regions``, None for no such limit).  A row is
    made the first time someone of that scope opens the report; the periodic
    tick builds it, and builds it again when the outcomes behind it change
    (``fingerprint``) or the day turns.  It holds counts only, never a person:
    the page withholds small cells each time it is read.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=200)
    organisations = models.JSONField(null=True, blank=True)
    regions = models.JSONField(null=True, blank=True)
    #: ``kinfolk.reports.snapshot``'s JSON; None until first built.
    counts = models.JSONField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    built_for = models.DateField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    #: Refreshed at most daily; a scope nobody reads for a month is no longer built.
    read_at = models.DateTimeField(null=True, blank=True)
    #: Set while a worker builds it: the claim, and its heartbeat.
    building_since = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "scope"], name="stored_report_scope")
        ]

    def __str__(self) -> str:
        return f"outcome report of {self.programme_id} ({self.scope})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
