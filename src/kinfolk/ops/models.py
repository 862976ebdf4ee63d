"""The shared cache's table and the workers' heartbeats: rows about machines, never people."""

from __future__ import annotations

from django.db import models


class CacheEntry(models.Model):
    """A row of Django's database cache (``CACHES`` without ``REDIS_URL``).

    Declared as a model so that a migration creates the table on every database
    instead of a separate ``createcachetable`` step; the columns are the ones
    ``django.core.cache.backends.db.DatabaseCache`` reads and writes.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "kinfolk_cache"


class WorkerHeartbeat(models.Model):
    """One row per running ``kinfolk worker``, touched every few seconds.

    ``/readyz`` is not ready when no worker has beaten recently: reminders
    would silently stop going out.
    """

    #: host name and process id, e.g. ``app2:4121``.
    worker = models.CharField(max_length=120, unique=True)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
