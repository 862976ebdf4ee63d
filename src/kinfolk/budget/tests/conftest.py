"""Budget tests start with no cached forecast and keep uploaded receipts in their own folder."""

from __future__ import annotations

import pytest

from kinfolk.testing import uses_database


@pytest.fixture(autouse=True)
def _no_cached_forecasts(request):
    """Each test starts with no forecast cached by another (ids repeat after a rollback)."""
    from django.core.cache import cache

    uses_db = uses_database(request)
    if uses_db:
        cache.clear()
    yield
    if uses_db:
        cache.clear()


@pytest.fixture(autouse=True)
def _receipts_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
