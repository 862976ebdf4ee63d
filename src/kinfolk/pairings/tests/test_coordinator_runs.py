"""The runs list and the start form: scopes, a second start, and who may see them."""

import pytest
from django.urls import reverse

from kinfolk.pairings.models import MatchingRun
from kinfolk.programmes.models import Organisation
from kinfolk.testing import make_cohort, make_household, make_volunteer, run_started


def _url(programme):
    return reverse("matching:runs", args=[programme.pk])


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_page_lists_runs_and_offers_the_start_form(
    signed_in, programme, coordinator, django_capture_on_commit_callbacks
):
    make_cohort(programme)
    run = run_started(programme, coordinator, django_capture_on_commit_callbacks)
    page = signed_in.get(_url(programme)).content.decode()
    assert "Start a matching run" in page
    assert reverse("matching:run_detail", args=[programme.pk, run.pk]) in page
    assert "ready for review" in page and "Cora" in page
    assert 'name="scope"' in page and 'name="mode"' in page


def test_the_town_select_offers_the_programmes_towns(signed_in, programme):
    make_volunteer(programme, town="Otley")
    make_household(programme, town="Ilkley")
    page = signed_in.get(_url(programme)).content.decode()
    assert '<option value="Otley">' in page and '<option value="Ilkley">' in page


def test_starting_a_run_goes_to_its_page(signed_in, programme, django_capture_on_commit_callbacks):
    make_cohort(programme)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(_url(programme), {"scope": "programme", "mode": "optimal"})
    run = MatchingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:run_detail", args=[programme.pk, run.pk])
    run.refresh_from_db()
    assert (run.scope, run.mode, run.status) == ("programme", "optimal", "ready")


def test_a_town_run_needs_a_town_and_stores_nothing_without_one(signed_in, programme):
    make_cohort(programme)
    response = signed_in.post(_url(programme), {"scope": "town", "mode": "optimal"})
    assert response.status_code == 200
    assert "Pick the town to pair." in response.content.decode()
    assert not MatchingRun.objects.exists()


def test_an_organisation_run_may_take_one_towns_households(signed_in, programme):
    club = Organisation.objects.create(programme=programme, name="Walking club")
    make_cohort(programme)
    response = signed_in.post(
        _url(programme),
        {"scope": "organisation", "organisation": club.pk, "town": "Leeds", "mode": "stable"},
    )
    assert response.status_code == 302
    run = MatchingRun.objects.get()
    assert (run.scope, run.organisation, run.town, run.mode) == (
        "organisation",
        club,
        "Leeds",
        "stable",
    )


def test_a_whole_programme_run_ignores_a_town_left_in_the_form(signed_in, programme):
    make_cohort(programme)
    signed_in.post(_url(programme), {"scope": "programme", "town": "Leeds", "mode": "optimal"})
    assert MatchingRun.objects.get().town == ""


def test_an_organisation_of_another_programme_is_refused(signed_in, programme, other_programme):
    theirs = Organisation.objects.create(programme=other_programme, name="Theirs")
    response = signed_in.post(
        _url(programme), {"scope": "organisation", "organisation": theirs.pk, "mode": "optimal"}
    )
    assert response.status_code == 200
    assert not MatchingRun.objects.exists()


def test_a_second_start_while_one_is_under_way_shows_why(signed_in, programme):
    make_cohort(programme)
    # Without capturing on-commit callbacks the first run stays queued.
    signed_in.post(_url(programme), {"scope": "programme", "mode": "optimal"})
    response = signed_in.post(_url(programme), {"scope": "programme", "mode": "optimal"})
    assert response.status_code == 200
    assert "already under way" in response.content.decode()
    assert MatchingRun.objects.count() == 1


def test_another_programmes_coordinator_gets_404(client, programme, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(_url(programme)).status_code == 404
    response = client.post(_url(programme), {"scope": "programme", "mode": "optimal"})
    assert response.status_code == 404
    assert not MatchingRun.objects.exists()


def test_participants_get_404(client, programme, volunteer, household, household_user):
    for user in (volunteer.user, household_user):
        client.force_login(user)
        assert client.get(_url(programme)).status_code == 404
        assert client.post(_url(programme), {"scope": "programme"}).status_code == 404
    assert not MatchingRun.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(_url(programme))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
