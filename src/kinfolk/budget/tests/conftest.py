import pytest


@pytest.fixture(autouse=True)
def _no_cached_forecasts():
    """Each test starts with no forecast cached by another (ids repeat after a rollback)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
