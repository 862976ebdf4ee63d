"""The report is built by the tick and kept; pages answer from the kept copy, never waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme
from kinfolk.regions.models import Region, RegionTown
from kinfolk.reports.caching import outcomes_fingerprint
from kinfolk.reports.keeping import (
    BUILD_TIMEOUT,
    report_is_current,
    report_read,
    report_rebuild,
    reports_refresh,
    stored_report_for,
)
from kinfolk.reports.models import StoredReport
from kinfolk.reports.tests.conftest import pair
from kinfolk.ticks.services import tick_run
from kinfolk.visits.models import Visit

pytestmark = pytest.mark.django_db

#: The small programme's "today" (conftest's TODAY), at noon.
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def _met(report):
    return next(s for s in report.sections if s.slug == "met").lines[0].figures[-2].text


def _formed(report):
    return next(s for s in report.sections if s.slug == "pairs").lines[0].figures[-1].text


def _kept(programme):
    stored = stored_report_for(programme=programme, now=NOW)
    return report_read(stored=stored, programme=programme)


def _url(programme, name="reports:report"):
    return reverse(name, args=[programme.pk])


def test_a_report_never_built_is_shown_as_being_prepared_with_its_progress(
    client, small_programme, coordinator
):
    client.force_login(coordinator)
    response = client.get(_url(small_programme))
    assert response.status_code == 200
    text = response.content.decode()
    assert "The report is being prepared" in text
    assert _url(small_programme, "reports:report_progress") in text  # polled every second
    assert "<progress" in text and "Pairings formed, ended and active" not in text
    assert StoredReport.objects.get(programme=small_programme).scope == "all/all"


def test_the_first_reader_starts_the_build_at_once(
    client, small_programme, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(_url(small_programme))
    assert StoredReport.objects.get(programme=small_programme).counts is not None


def test_the_tick_builds_it(client, small_programme, coordinator):
    client.force_login(coordinator)
    client.get(_url(small_programme))
    # The page reads the real clock, so the tick runs at the real time too: a report built
    # for another day is rightly shown as being updated.
    outcomes = tick_run(now=timezone.now())
    assert outcomes["outcome_reports_refresh"] == "1 outcome reports built"
    stored = StoredReport.objects.get(programme=small_programme)
    assert stored.built_for == small_programme.today() and stored.building_since is None
    assert stored.total == stored.done == 6
    text = client.get(_url(small_programme)).content.decode()
    assert "Pairings formed, ended and active" in text and "being prepared" not in text


def test_the_page_answers_from_the_kept_report(client, small_programme, coordinator):
    client.force_login(coordinator)
    client.get(_url(small_programme))
    reports_refresh(now=NOW)
    assert _formed(client.get(_url(small_programme)).context["report"]) == "7"
    # A pairing formed since is not counted until the report is built again.
    pair(small_programme, started_on=dt.date(2026, 11, 1))
    response = client.get(_url(small_programme))
    assert _formed(response.context["report"]) == "7"
    assert "newer figures are being prepared" in response.content.decode().lower()


def test_the_page_reads_no_pairing_or_visit(
    client, small_programme, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(_url(small_programme))
    reports_refresh(now=NOW)
    client.get(_url(small_programme))  # words the report once into the cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(_url(small_programme))
    grouped = [q["sql"] for q in queries if "GROUP BY" in q["sql"].upper()]
    assert grouped == []  # the counts come from the kept row, not an aggregate


def test_the_page_shows_when_its_figures_were_built(client, small_programme, coordinator):
    client.force_login(coordinator)
    client.get(_url(small_programme))
    reports_refresh(now=NOW)
    built = dt.datetime(2026, 11, 30, 14, 5, tzinfo=dt.UTC)  # London is on UTC in November
    StoredReport.objects.update(built_at=built)
    text = client.get(_url(small_programme)).content.decode()
    assert "Figures as of 30 November 2026, 14:05." in text


def test_a_change_to_outcomes_marks_it_stale_and_the_next_tick_rebuilds_it(small_programme):
    assert _kept(small_programme) is None  # asks for it
    reports_refresh(now=NOW)
    stored = StoredReport.objects.get()
    assert report_is_current(stored=stored, programme=small_programme, now=NOW)
    assert _met(_kept(small_programme)) == "67%"
    missed = Visit.objects.filter(pairing__programme=small_programme, state="missed").first()
    # Through the queryset, as services record outcomes: updated_at moves.
    Visit.objects.filter(pk=missed.pk).update(state="happened")
    stored.refresh_from_db()
    assert not report_is_current(stored=stored, programme=small_programme, now=NOW)
    assert _met(_kept(small_programme)) == "67%"  # still the kept figures
    assert reports_refresh(now=NOW) == 1
    assert _met(_kept(small_programme)) == "83%"
    assert reports_refresh(now=NOW) == 0  # current again: nothing to build


def test_an_ended_pairing_and_a_new_day_make_it_stale(small_programme):
    stored_report_for(programme=small_programme, now=NOW)
    reports_refresh(now=NOW)
    stored = StoredReport.objects.get()
    assert report_is_current(stored=stored, programme=small_programme, now=NOW)
    active = Pairing.objects.filter(programme=small_programme, state="active").first()
    Pairing.objects.filter(pk=active.pk).update(
        state="ended", ended_at=timezone.now().replace(year=2026, month=11, day=20)
    )
    assert not report_is_current(stored=stored, programme=small_programme, now=NOW)
    reports_refresh(now=NOW)
    stored.refresh_from_db()
    assert report_is_current(stored=stored, programme=small_programme, now=NOW)
    tomorrow = NOW + dt.timedelta(days=1)
    assert not report_is_current(stored=stored, programme=small_programme, now=tomorrow)


def test_a_town_moved_to_a_region_makes_it_stale(small_programme):
    before = outcomes_fingerprint(small_programme)
    york = Region.objects.create(programme=small_programme, name="York and around")
    RegionTown.objects.create(programme=small_programme, region=york, town="York")
    assert outcomes_fingerprint(small_programme) != before


def test_a_report_being_built_is_not_built_twice_at_once(small_programme):
    stored = stored_report_for(programme=small_programme, now=NOW)
    StoredReport.objects.filter(pk=stored.pk).update(building_since=NOW)
    assert report_rebuild(stored_id=stored.pk, now=NOW + dt.timedelta(minutes=1)) is False
    # A claim older than the timeout belongs to a worker that died: it is taken over.
    assert report_rebuild(stored_id=stored.pk, now=NOW + BUILD_TIMEOUT * 2) is True


def test_a_scope_nobody_reads_is_dropped(small_programme):
    stored_report_for(programme=small_programme, now=NOW)
    assert reports_refresh(now=NOW + dt.timedelta(days=31)) == 0
    assert not StoredReport.objects.exists()


def test_each_scope_has_its_own_kept_report(small_programme):
    york = Region.objects.create(programme=small_programme, name="York and around")
    RegionTown.objects.create(programme=small_programme, region=york, town="York")
    limited = Programme.objects.get(pk=small_programme.pk)
    limited.region_limit = frozenset({york.pk})  # as programme_get sets it for such a coordinator
    whole = stored_report_for(programme=small_programme, now=NOW)
    theirs = stored_report_for(programme=limited, now=NOW)
    assert whole.pk != theirs.pk and theirs.regions == [york.pk]
    reports_refresh(now=NOW)
    assert _formed(_kept(limited)) != _formed(_kept(small_programme))


def test_the_progress_answer_refreshes_the_page_once_built(client, small_programme, coordinator):
    client.force_login(coordinator)
    url = _url(small_programme, "reports:report_progress")
    waiting = client.get(url)
    assert waiting.status_code == 200 and "HX-Refresh" not in waiting
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    reports_refresh(now=NOW)
    assert client.get(url)["HX-Refresh"] == "true"


def test_the_csv_of_a_report_not_yet_built_leads_to_the_page(client, small_programme, coordinator):
    client.force_login(coordinator)
    response = client.get(_url(small_programme, "reports:report_csv"))
    assert response.status_code == 302
    assert response["Location"] == _url(small_programme)


def test_a_failed_build_is_recorded_and_tried_again(small_programme, monkeypatch):
    from kinfolk.reports import keeping

    stored = stored_report_for(programme=small_programme, now=NOW)

    def broken(**_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(keeping, "facts_collect", broken)
    assert reports_refresh(now=NOW) == 0
    stored.refresh_from_db()
    assert "database went away" in stored.error and stored.building_since is None
    monkeypatch.undo()
    assert reports_refresh(now=NOW) == 1


def test_a_report_kept_by_another_version_is_built_again(small_programme):
    stored_report_for(programme=small_programme, now=NOW)
    reports_refresh(now=NOW)
    StoredReport.objects.update(counts={"version": 0})  # kept before the shape changed
    stored = StoredReport.objects.get()
    assert report_read(stored=stored, programme=small_programme) is None
    assert reports_refresh(now=NOW) == 1
    assert _formed(_kept(small_programme)) == "7"
