"""The run page: live progress while running, then summary, chart, unpaired and pairs."""

import pytest
from django.urls import reverse

from kinfolk.pairings.models import MatchingRun, RunPair
from kinfolk.testing import make_cohort, make_coordinator, make_household, run_started


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def ready_run(programme, coordinator, django_capture_on_commit_callbacks):
    make_cohort(programme)
    # Far from every volunteer: left unpaired, with a reason.
    make_household(programme, external_id="HFAR", first_name="Faraway", lat=54.9, lon=-1.6)
    return run_started(programme, coordinator, django_capture_on_commit_callbacks)


def _page(programme, run):
    return reverse("matching:run_detail", args=[programme.pk, run.pk])


def _progress(programme, run):
    return reverse("matching:run_progress", args=[programme.pk, run.pk])


def _running(programme, by, **fields):
    fields = {"status": "running", "stage": "candidates", "done": 3, "total": 4, **fields}
    return MatchingRun.objects.create(programme=programme, started_by=by, **fields)


def test_a_ready_run_shows_its_summary(signed_in, programme, ready_run):
    page = signed_in.get(_page(programme, ready_run)).content.decode()
    assert "Pairs proposed" in page and ">4</div>" in page
    assert "95th percentile" in page
    assert "With a language exchange" in page
    # A finished run stops polling its progress (the name picker's own htmx stays).
    assert _progress(programme, ready_run) not in page and 'hx-trigger="every' not in page


def test_the_distance_chart_draws_one_bar_per_band_as_classes(signed_in, programme, ready_run):
    page = signed_in.get(_page(programme, ready_run)).content.decode()
    bands = ready_run.summary["distance_histogram"]
    assert page.count('class="chart-fill w-') == len(bands)
    assert 'class="chart-fill w-100"' in page  # the largest band fills the track
    assert "style=" not in page  # the CSP forbids inline styles


def test_unpaired_people_are_counted_per_reason_and_listed(signed_in, programme, ready_run):
    page = signed_in.get(_page(programme, ready_run)).content.decode()
    assert "nobody within travelling distance" in page
    assert "Faraway" in page and "HFAR" in page


def test_the_unpaired_list_filters_by_reason(signed_in, programme, ready_run):
    url = _page(programme, ready_run) + "?reason=no+shared+language"
    page = signed_in.get(url).content.decode()
    assert "HFAR" not in page


def test_each_pair_shows_people_languages_slots_and_why(signed_in, programme, ready_run):
    pair = RunPair.objects.filter(run=ready_run).select_related("volunteer").first()
    page = signed_in.get(_page(programme, ready_run)).content.decode()
    assert reverse("programmes:volunteer_detail", args=[programme.pk, pair.volunteer_id]) in page
    assert reverse("programmes:household_detail", args=[programme.pk, pair.household_id]) in page
    assert pair.volunteer.external_id in page
    assert "English" in page and "Monday evening" in page
    assert "<details" in page
    # The engine's explanation of the stored pair is on the page, in words: its rank.
    rank = pair.explanation["volunteer_rank"]
    assert f"{pair.volunteer.first_name}&#x27;s {rank}" in page
    assert "km apart" in page


def test_ranks_alternatives_and_a_kept_pair_are_in_words_without_costs(
    signed_in, programme, ready_run
):
    pair = RunPair.objects.filter(run=ready_run).select_related("volunteer", "household").first()
    other_h = make_household(programme, external_id="H7", first_name="Bea")
    other_v = RunPair.objects.filter(run=ready_run).exclude(pk=pair.pk).first().volunteer
    pair.explanation = {
        **pair.explanation,
        "volunteer_rank": 3,
        "household_rank": 1,
        "volunteer_alternatives": [["H7", 5150]],
        "household_alternatives": [[other_v.external_id, 6160]],
        "lock_cost_change": 42,
        "cost": 23340,
    }
    pair.save(update_fields=["explanation"])
    page = signed_in.get(_page(programme, ready_run)).content.decode()
    v, h = pair.volunteer.first_name, pair.household.first_name
    assert f"{v}&#x27;s 3rd choice, {h}&#x27;s 1st" in page
    assert f"next best for {v}: {other_h.first_name}" in page
    assert f"next best for {h}: {other_v.first_name}" in page
    assert "kept by hand: the other pairs fit a little less well" in page
    for code in ("5150", "6160", "23340", "+42", "Cost", "cost "):
        assert code not in page


def test_pairs_are_searchable_by_id(signed_in, programme, ready_run):
    page = signed_in.get(_page(programme, ready_run) + "?q=V2").content.decode()
    assert "1 pair<" in page
    assert ">Vol2<" in page and ">Vol1<" not in page


def test_pairs_are_fifty_a_page(
    signed_in, programme, coordinator, django_capture_on_commit_callbacks
):
    make_cohort(programme, n=52)
    run = run_started(programme, coordinator, django_capture_on_commit_callbacks)
    first = signed_in.get(_page(programme, run)).content.decode()
    assert first.count('name="kind" value="forbid"') == 50
    assert "Page 1 of 2" in first
    second = signed_in.get(_page(programme, run) + "?page=2").content.decode()
    assert second.count('name="kind" value="forbid"') == 2


def test_a_running_run_polls_its_progress_with_htmx(signed_in, programme, coordinator):
    run = _running(programme, coordinator)
    page = signed_in.get(_page(programme, run)).content.decode()
    assert f'hx-get="{_progress(programme, run)}"' in page
    assert 'hx-trigger="every 1s"' in page and 'hx-swap="outerHTML"' in page
    assert "<noscript>" in page


def test_the_progress_partial_shows_stage_and_percentage_while_running(
    signed_in, programme, coordinator
):
    run = _running(programme, coordinator)
    response = signed_in.get(_progress(programme, run))
    body = response.content.decode()
    assert "finding candidates nearby" in body and "75 %" in body
    assert 'value="75"' in body and 'hx-trigger="every 1s"' in body
    assert "<html" not in body  # a fragment, not a page
    assert "HX-Refresh" not in response.headers


def test_the_progress_partial_asks_for_a_reload_when_the_run_is_done(
    signed_in, programme, ready_run
):
    response = signed_in.get(_progress(programme, ready_run))
    assert response.headers["HX-Refresh"] == "true"
    assert "hx-get" not in response.content.decode()


def test_a_failed_run_says_why(signed_in, programme, coordinator):
    run = _running(programme, coordinator, status="failed", error="The engine ran out of memory.")
    page = signed_in.get(_page(programme, run)).content.decode()
    assert "The run failed" in page and "ran out of memory" in page
    assert signed_in.get(_progress(programme, run)).headers["HX-Refresh"] == "true"


def test_another_programmes_coordinator_gets_404_even_with_their_own_programme_id(
    client, programme, other_programme, other_coordinator, ready_run
):
    client.force_login(other_coordinator)
    for name in ("matching:run_detail", "matching:run_progress"):
        assert client.get(reverse(name, args=[programme.pk, ready_run.pk])).status_code == 404
        crossed = reverse(name, args=[other_programme.pk, ready_run.pk])
        assert client.get(crossed).status_code == 404


def test_a_coordinator_of_both_cannot_read_a_run_under_the_other_programmes_url(
    client, programme, other_programme, coordinator, ready_run
):
    make_coordinator(other_programme, coordinator)
    client.force_login(coordinator)
    crossed = reverse("matching:run_detail", args=[other_programme.pk, ready_run.pk])
    assert client.get(crossed).status_code == 404


def test_participants_get_404(client, programme, volunteer, household_user, ready_run):
    for user in (volunteer.user, household_user):
        client.force_login(user)
        assert client.get(_page(programme, ready_run)).status_code == 404
        assert client.get(_progress(programme, ready_run)).status_code == 404


def test_an_unknown_reason_in_the_address_shows_everyone_unpaired(signed_in, programme, ready_run):
    # Found by review: the raw parameter reached the database; a NUL byte made PostgreSQL fail.
    page = signed_in.get(_page(programme, ready_run) + "?reason=%00nonsense")
    assert page.status_code == 200
