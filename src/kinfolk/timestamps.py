"""``updated_at`` that every write keeps true, for syncing by "changed since".

A CRM that syncs through the API asks for rows changed since its last run, so
a change that forgets to move ``updated_at`` is a change the CRM never sees.
Django's ``auto_now`` alone misses two kinds of write that Kinfolk's services
use everywhere: ``save(update_fields=[...])`` (only the named columns are
written) and ``QuerySet.update()`` (no ``save`` at all).  This mixin covers
both, and ``db_default`` covers rows inserted with raw SQL (the visit plan
writer), so no service has to remember the column.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class UpdatedQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class Updated(models.Model):
    """An abstract base: ``updated_at`` moves on every save and every queryset update."""

    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    objects = UpdatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is not None:
            fields = list(kwargs["update_fields"])
            # An empty list saves nothing, on purpose; leave it so.
            if fields and "updated_at" not in fields:
                fields.append("updated_at")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)
