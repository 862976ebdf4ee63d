"""Who looked at whose contact details (charter rule 5).

The log holds ids only and no foreign keys, so that erasing a person and
keeping the log never fight; one row per viewer, person and day.
"""

from __future__ import annotations

from django.db import models


class ContactAccessLog(models.Model):
    viewer_id = models.BigIntegerField()
    viewer_label = models.CharField(max_length=120)
    person_kind = models.CharField(max_length=10)  # "volunteer" or "household"
    person_id = models.BigIntegerField()
    day = models.DateField()
    fields = models.CharField(max_length=200)
    reasons = models.CharField(max_length=300)
    reads = models.PositiveIntegerField(default=1)
    last_read_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "-last_read_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["viewer_id", "person_kind", "person_id", "day"],
                name="contact_access_one_row_per_day",
            )
        ]
        indexes = [models.Index(fields=["person_kind", "person_id"])]
