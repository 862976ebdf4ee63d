"""The programme overview: counts by state, town and organisation; sign-up links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.programmes.models import Organisation
from kinfolk.testing import make_volunteer, otp_force_login


def _url(programme):
    return reverse("programmes:overview", args=[programme.pk])


def test_coordinator_sees_counts_and_signup_links(
    client, programme, coordinator, volunteer, applicant, household
):
    Organisation.objects.create(programme=programme, name="Acme Ltd", kind="company")
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert response.status_code == 200
    body = response.content.decode()
    assert programme.signup_token in body
    assert "?role=volunteer" in body and "?role=household" in body
    assert "Acme Ltd" in body
    assert response.context["n_applicants"] == 1
    active = next(r for r in response.context["volunteer_states"] if r["state"] == "active")
    assert active["n"] == 1


def test_applicants_are_listed_with_an_approval_link(client, programme, coordinator, applicant):
    client.force_login(coordinator)
    body = client.get(_url(programme)).content.decode()
    assert reverse("programmes:volunteer_approve", args=[programme.pk, applicant.pk]) in body


def test_towns_link_to_filtered_lists(client, programme, coordinator):
    make_volunteer(programme, town="Wakefield", first_name="Wendy")
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert response.context["towns"][0]["town"] == "Wakefield"
    assert "?town=Wakefield" in response.content.decode()


def test_overview_does_not_count_another_programmes_people(
    client, programme, coordinator, other_volunteer
):
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert sum(r["n"] for r in response.context["volunteer_states"]) == 0


def test_other_coordinator_gets_404(client, programme, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(_url(programme)).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(programme)).status_code == 404


def test_anonymous_is_sent_to_login(client, programme):
    response = client.get(_url(programme))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme)).status_code == 404


# --- counts kept in the cache while they are true ----------------------------------------


def test_second_overview_reads_its_counts_from_the_cache(
    client, programme, coordinator, volunteer, household
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as first:
        client.get(_url(programme))
    with CaptureQueriesContext(connection) as second:
        response = client.get(_url(programme))
    counted = [
        q["sql"]
        for q in second.captured_queries
        if "GROUP BY" in q["sql"] and 'FROM "people_' in q["sql"]
    ]
    assert counted == [], "the second reader must not count again"
    assert len(second.captured_queries) < len(first.captured_queries)
    assert response.context["n_volunteers"] == 1


def test_overview_counts_again_when_someone_joins(client, programme, coordinator, volunteer):
    client.force_login(coordinator)
    assert client.get(_url(programme)).context["n_volunteers"] == 1
    make_volunteer(programme, first_name="Newcomer")
    assert client.get(_url(programme)).context["n_volunteers"] == 2


def test_overview_counts_again_when_a_pairing_forms(
    client, programme, coordinator, volunteer, household
):
    from kinfolk.testing import make_pairing

    client.force_login(coordinator)
    assert client.get(_url(programme)).context["pairing_counts"]["active"] == 0
    make_pairing(volunteer, household)
    assert client.get(_url(programme)).context["pairing_counts"]["active"] == 1


def test_limited_coordinator_never_reads_the_whole_programmes_counts_from_the_cache(
    client, programme, coordinator, volunteer
):
    from kinfolk.programmes.models import Coordinator
    from kinfolk.staff.models import CoordinatorOrganisation
    from kinfolk.testing import make_user

    acme = Organisation.objects.create(programme=programme, name="Acme Ltd", kind="company")
    make_volunteer(programme, user=make_user(), first_name="Adaline", organisation=acme)
    whole = make_user(email="whole@example.org")
    Coordinator.objects.create(programme=programme, user=whole)
    client.force_login(whole)
    assert client.get(_url(programme)).context["n_volunteers"] == 2  # counted and kept
    membership = Coordinator.objects.get(programme=programme, user=coordinator)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    client.force_login(coordinator)
    assert client.get(_url(programme)).context["n_volunteers"] == 1


def _kept(programme):
    from django.core.cache import cache

    from kinfolk.programmes.overview_figures import _scope

    key = f"overview:{programme.pk}:{_scope(programme)}"
    return key, cache.get(key)


def test_while_one_reader_counts_the_others_see_the_last_counts(
    client, programme, coordinator, volunteer
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    assert client.get(_url(programme)).context["n_volunteers"] == 1
    make_volunteer(programme, first_name="Newcomer")
    key, _ = _kept(programme)
    cache.add(f"{key}:counting", True, 60)  # another reader is counting now
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(programme))
    assert response.context["n_volunteers"] == 1
    counted = [q for q in queries.captured_queries if 'GROUP BY "people_' in q["sql"]]
    assert counted == [], "a second reader must not count while another does"
    assert "Counted at" in response.content.decode()
    cache.delete(f"{key}:counting")  # that count ended
    assert client.get(_url(programme)).context["n_volunteers"] == 2


def test_a_first_reader_waits_for_the_count_another_is_making(
    client, programme, coordinator, volunteer, monkeypatch
):
    from dataclasses import replace

    from django.core.cache import cache

    from kinfolk.programmes import overview_figures

    client.force_login(coordinator)
    client.get(_url(programme))
    key, (fingerprint, figures) = _kept(programme)
    cache.delete(key)
    cache.add(f"{key}:counting", True, 60)  # another reader began the first count
    theirs = replace(figures, states={**figures.states, "volunteers": {"active": 42}})

    def their_count_ends(seconds: float) -> None:  # while this reader waits
        cache.set(key, (fingerprint, theirs))

    monkeypatch.setattr(overview_figures.time, "sleep", their_count_ends)
    assert client.get(_url(programme)).context["n_volunteers"] == 42
    monkeypatch.undo()
    # Had theirs never come, the reader counts itself after WAIT_S.
    cache.delete(key)
    monkeypatch.setattr(overview_figures, "WAIT_S", 0.3)
    cache.add(f"{key}:counting", True, 60)
    assert client.get(_url(programme)).context["n_volunteers"] == 1


def test_counts_older_than_the_timeout_are_counted_again(client, programme, coordinator):
    import datetime as dt
    from dataclasses import replace

    from django.core.cache import cache
    from django.utils import timezone

    from kinfolk.programmes.overview_figures import TIMEOUT_S

    client.force_login(coordinator)
    client.get(_url(programme))
    key, (fingerprint, figures) = _kept(programme)
    old = timezone.now() - dt.timedelta(seconds=TIMEOUT_S + 1)
    cache.set(key, (fingerprint, replace(figures, counted_at=old)))
    client.get(_url(programme))
    assert _kept(programme)[1][1].counted_at > old
    assert cache.get(f"{key}:counting") is None  # the count let go of its mark


def test_overview_says_when_it_counted(client, programme, coordinator):
    client.force_login(coordinator)
    assert "Counted at" in client.get(_url(programme)).content.decode()
