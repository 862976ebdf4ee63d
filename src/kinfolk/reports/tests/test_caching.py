"""The report is kept until its outcomes change, and recomputed as soon as they do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from kinfolk.pairings.models import Pairing
from kinfolk.reports.caching import report_cached
from kinfolk.reports.tests.conftest import TODAY, pair
from kinfolk.visits.models import Visit

pytestmark = pytest.mark.django_db


def _met(report):
    return next(s for s in report.sections if s.slug == "met").lines[0].figures[-2].text


def _formed(report):
    return next(s for s in report.sections if s.slug == "pairs").lines[0].figures[-1].text


def test_a_second_read_only_checks_the_fingerprint(small_programme, django_assert_num_queries):
    first = report_cached(programme=small_programme, today=TODAY)
    # The fingerprint's five reads and no aggregate; one more when the cache is a table.
    in_database = "DatabaseCache" in settings.CACHES["default"]["BACKEND"]
    with django_assert_num_queries(5 + in_database):
        again = report_cached(programme=small_programme, today=TODAY)
    assert _met(again) == _met(first) == "67%"


def test_a_visit_recorded_changes_the_next_read(small_programme):
    assert _met(report_cached(programme=small_programme, today=TODAY)) == "67%"
    missed = Visit.objects.filter(pairing__programme=small_programme, state="missed").first()
    # Through the queryset, as services record outcomes: updated_at moves.
    Visit.objects.filter(pk=missed.pk).update(state="happened")
    assert _met(report_cached(programme=small_programme, today=TODAY)) == "83%"


def test_a_new_pairing_changes_the_next_read(small_programme):
    assert _formed(report_cached(programme=small_programme, today=TODAY)) == "7"
    pair(small_programme, started_on=dt.date(2026, 11, 1))
    assert _formed(report_cached(programme=small_programme, today=TODAY)) == "8"


def test_an_ended_pairing_changes_the_next_read(small_programme):
    before = report_cached(programme=small_programme, today=TODAY)
    ended = next(s for s in before.sections if s.slug == "pairs").lines[1].figures[-1].text
    assert ended == "5"
    active = Pairing.objects.filter(programme=small_programme, state="active").first()
    Pairing.objects.filter(pk=active.pk).update(
        state="ended", ended_at=timezone.now().replace(year=2026, month=11, day=20)
    )
    after = report_cached(programme=small_programme, today=TODAY)
    assert next(s for s in after.sections if s.slug == "pairs").lines[1].figures[-1].text == "6"


def test_a_region_limited_reader_never_gets_the_whole_programme_from_the_cache(small_programme):
    from kinfolk.programmes.models import Programme
    from kinfolk.regions.models import Region, RegionTown

    york = Region.objects.create(programme=small_programme, name="York and around")
    RegionTown.objects.create(programme=small_programme, region=york, town="York")
    whole = report_cached(programme=small_programme, today=TODAY)
    limited = Programme.objects.get(pk=small_programme.pk)
    limited.region_limit = frozenset({york.pk})  # as programme_get sets it for such a coordinator
    assert _formed(report_cached(programme=limited, today=TODAY)) != _formed(whole)
