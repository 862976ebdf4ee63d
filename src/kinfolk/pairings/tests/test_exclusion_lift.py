"""Forbidden pairs on both people's coordinator pages, and lifting one there."""

import pytest
from django.urls import reverse

from kinfolk.pairings.exclusions import pair_exclusion_set
from kinfolk.pairings.models import MatchingRun, PairExclusion, RunPair
from kinfolk.testing import make_cohort, make_household, make_volunteer


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def exclusion(programme, coordinator, cohort):
    (v0, *_), (h0, *_) = cohort
    return pair_exclusion_set(
        programme=programme, volunteer=v0, household=h0, by=coordinator, note="met before"
    )


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _lift_url(exclusion, programme_id=None):
    return reverse(
        "matching:exclusion_lift", args=[programme_id or exclusion.programme_id, exclusion.pk]
    )


def _page(client, exclusion, kind):
    person = getattr(exclusion, kind)
    url = reverse(f"programmes:{kind}_detail", args=[exclusion.programme_id, person.pk])
    return client.get(url).content.decode()


def _section(page):
    return page[page.index('id="forbidden"') :].split("</section>")[0]


@pytest.mark.parametrize("kind", ["volunteer", "household"])
def test_both_peoples_pages_list_the_forbid_with_who_when_and_note(signed_in, exclusion, kind):
    section = _section(_page(signed_in, exclusion, kind))
    partner = exclusion.household if kind == "volunteer" else exclusion.volunteer
    assert partner.first_name in section and partner.external_id in section
    assert "Cora" in section and "met before" in section
    assert _lift_url(exclusion) in section


def test_a_person_without_forbids_says_none(signed_in, programme, cohort):
    (_v0, v1, *_), _households = cohort
    page = signed_in.get(reverse("programmes:volunteer_detail", args=[programme.pk, v1.pk]))
    assert "None." in _section(page.content.decode())


@pytest.mark.parametrize("kind", ["volunteer", "household"])
def test_lifting_returns_to_the_page_it_came_from_and_records_who(
    signed_in, coordinator, exclusion, kind
):
    response = signed_in.post(_lift_url(exclusion), {"back": kind})
    person = getattr(exclusion, kind)
    assert response["Location"] == reverse(
        f"programmes:{kind}_detail", args=[exclusion.programme_id, person.pk]
    )
    exclusion.refresh_from_db()
    assert exclusion.lifted_by == coordinator and exclusion.lifted_at is not None
    section = _section(_page(signed_in, exclusion, kind))
    assert "lifted by <bdi>Cora</bdi>" in section and _lift_url(exclusion) not in section


def test_after_lifting_a_new_run_may_propose_the_pair_again(
    signed_in, programme, exclusion, django_capture_on_commit_callbacks
):
    signed_in.post(_lift_url(exclusion))
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            reverse("matching:runs", args=[programme.pk]), {"scope": "programme", "mode": "optimal"}
        )
    run = MatchingRun.objects.get()
    assert RunPair.objects.filter(
        run=run, volunteer=exclusion.volunteer, household=exclusion.household
    ).exists()


def test_lifting_twice_says_so_and_changes_nothing(signed_in, exclusion):
    signed_in.post(_lift_url(exclusion))
    lifted_at = PairExclusion.objects.get().lifted_at
    response = signed_in.post(_lift_url(exclusion), follow=True)
    assert "already lifted" in response.content.decode()
    assert PairExclusion.objects.get().lifted_at == lifted_at


def test_lifting_needs_a_post(signed_in, exclusion):
    assert signed_in.get(_lift_url(exclusion)).status_code == 405
    assert PairExclusion.objects.get().lifted_at is None


def test_another_programmes_coordinator_gets_404_and_lifts_nothing(
    client, exclusion, other_coordinator, other_programme
):
    client.force_login(other_coordinator)
    assert client.post(_lift_url(exclusion)).status_code == 404
    # Their own programme's id with this programme's forbid is a 404 too.
    assert client.post(_lift_url(exclusion, other_programme.pk)).status_code == 404
    assert PairExclusion.objects.get().lifted_at is None


def test_a_coordinator_cannot_lift_another_programmes_forbid_through_their_own_programme(
    signed_in, programme, other_programme, other_coordinator
):
    foreign = pair_exclusion_set(
        programme=other_programme,
        volunteer=make_volunteer(other_programme),
        household=make_household(other_programme),
        by=other_coordinator,
    )
    assert signed_in.post(_lift_url(foreign, programme.pk)).status_code == 404
    assert PairExclusion.objects.get().lifted_at is None


def test_participants_get_404_and_lift_nothing(client, exclusion, volunteer, household_user):
    for user in (volunteer.user, household_user):
        client.force_login(user)
        assert client.post(_lift_url(exclusion)).status_code == 404
    assert PairExclusion.objects.get().lifted_at is None
