"""A coordinator limited to some organisations sees only those organisations' people, everywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.pairings.models import MatchingRun, Pairing
from kinfolk.programmes.models import Coordinator, Organisation
from kinfolk.staff.models import CoordinatorOrganisation
from kinfolk.testing import make_household, make_pairing, make_proposal, make_user, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(programme):
    return Organisation.objects.create(programme=programme, name="Acme Ltd", kind="company")


@pytest.fixture
def school(programme):
    return Organisation.objects.create(programme=programme, name="Hill School", kind="school")


@pytest.fixture
def limited(programme, coordinator, acme):
    """Cora, limited to Acme."""
    membership = Coordinator.objects.get(programme=programme, user=coordinator)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    return coordinator


@pytest.fixture
def people(programme, acme, school):
    """Ada of Acme paired with Hugo; Sol of the school paired with Haru; Nia of no organisation."""
    ada = make_volunteer(programme, user=make_user(), first_name="Adaline", organisation=acme)
    sol = make_volunteer(programme, user=make_user(), first_name="Solveig", organisation=school)
    nia = make_volunteer(programme, user=make_user(), first_name="Niamh")
    hugo = make_household(programme, users=(make_user(),), first_name="Hugoline")
    haru = make_household(programme, users=(make_user(),), first_name="Haruki")
    lone = make_household(programme, users=(make_user(),), first_name="Lonetta")
    return {
        "ada": ada,
        "sol": sol,
        "nia": nia,
        "hugo": hugo,
        "haru": haru,
        "lone": lone,
        "ada_hugo": make_pairing(ada, hugo),
        "sol_haru": make_pairing(sol, haru),
    }


def _get(client, name, *args):
    return client.get(reverse(name, args=args))


def test_limited_coordinator_lists_only_their_organisations_volunteers(
    client, limited, programme, people
):
    client.force_login(limited)
    text = _get(client, "programmes:volunteers", programme.pk).content.decode()
    assert "Adaline" in text
    assert "Solveig" not in text and "Niamh" not in text


def test_limited_coordinator_lists_only_households_paired_with_their_volunteers(
    client, limited, programme, people
):
    client.force_login(limited)
    text = _get(client, "programmes:households", programme.pk).content.decode()
    assert "Hugoline" in text
    assert "Haruki" not in text and "Lonetta" not in text


def test_limited_coordinator_search_finds_nobody_outside_their_organisations(
    client, limited, programme, people
):
    client.force_login(limited)
    url = reverse("programmes:volunteers", args=[programme.pk])
    assert _listed(client.get(url, {"q": "Solveig"})) == []
    assert _listed(client.get(url, {"q": "Adaline"})) == [people["ada"]]


def test_limited_coordinator_gets_404_on_other_organisations_people(
    client, limited, programme, people
):
    client.force_login(limited)
    p = programme.pk
    assert _get(client, "programmes:volunteer_detail", p, people["ada"].pk).status_code == 200
    assert _get(client, "programmes:household_detail", p, people["hugo"].pk).status_code == 200
    for name, person in [
        ("programmes:volunteer_detail", people["sol"]),
        ("programmes:volunteer_detail", people["nia"]),
        ("programmes:volunteer_approve", people["sol"]),
        ("programmes:volunteer_withdraw", people["sol"]),
        ("programmes:household_detail", people["haru"]),
        ("programmes:household_detail", people["lone"]),
        ("programmes:household_withdraw", people["haru"]),
    ]:
        assert _get(client, name, p, person.pk).status_code == 404, name


def test_limited_coordinator_cannot_withdraw_someone_of_another_organisation(
    client, limited, programme, people
):
    client.force_login(limited)
    url = reverse("programmes:volunteer_withdraw", args=[programme.pk, people["sol"].pk])
    assert client.post(url, {"method": "phone"}).status_code == 404
    people["sol"].refresh_from_db()
    assert people["sol"].state == "active"


def test_limited_coordinator_sees_only_pairings_of_their_volunteers(
    client, limited, programme, people
):
    client.force_login(limited)
    text = _get(client, "matching:pairings", programme.pk).content.decode()
    assert "Adaline" in text
    assert "Solveig" not in text and "Haruki" not in text


def test_limited_coordinator_overview_counts_only_their_people(
    client, limited, programme, people, volunteer, household
):
    client.force_login(limited)
    response = _get(client, "programmes:overview", programme.pk)
    assert response.status_code == 200
    assert response.context["n_volunteers"] == 1
    assert response.context["n_households"] == 1
    assert [o.name for o in response.context["organisations"]] == ["Acme Ltd"]


def test_limited_coordinator_sees_runs_of_their_organisation_only(
    client, limited, programme, acme, school, people
):
    theirs = MatchingRun.objects.create(
        programme=programme, organisation=acme, scope="organisation"
    )
    whole = MatchingRun.objects.create(programme=programme)
    other = MatchingRun.objects.create(
        programme=programme, organisation=school, scope="organisation"
    )
    client.force_login(limited)
    assert _get(client, "matching:run_detail", programme.pk, theirs.pk).status_code == 200
    assert _get(client, "matching:run_detail", programme.pk, whole.pk).status_code == 404
    assert _get(client, "matching:run_detail", programme.pk, other.pk).status_code == 404


def test_limited_coordinator_may_start_only_a_run_of_their_organisations(
    client, limited, programme, school
):
    client.force_login(limited)
    url = reverse("matching:runs", args=[programme.pk])
    client.post(url, {"scope": "programme", "mode": "optimal"})
    client.post(url, {"scope": "organisation", "organisation": school.pk, "mode": "optimal"})
    assert not MatchingRun.objects.exists()


def test_proposal_makes_the_household_visible_to_the_limited_coordinator(
    client, limited, programme, people
):
    make_proposal(people["ada"], people["lone"])
    client.force_login(limited)
    url = reverse("programmes:household_detail", args=[programme.pk, people["lone"].pk])
    assert client.get(url).status_code == 200


def test_unlimited_coordinator_still_sees_everyone(client, other_programme, programme, people):
    from kinfolk.testing import make_coordinator

    whole = make_coordinator(programme, make_user("wanda@example.org", first_name="Wanda"))
    client.force_login(whole)
    listed = _listed(_get(client, "programmes:volunteers", programme.pk))
    assert {v.first_name for v in listed} >= {"Adaline", "Solveig", "Niamh"}
    assert Pairing.objects.count() == 2


def test_limited_coordinator_is_told_what_they_see(client, limited, programme, coordinator):
    client.force_login(limited)
    text = _get(client, "programmes:volunteers", programme.pk).content.decode()
    assert "You coordinate some organisations of this programme" in text


def test_limited_coordinator_figures_count_only_their_people(client, limited, programme, people):
    client.force_login(limited)
    _get(client, "staff:figures", programme.pk)
    from kinfolk.reports.keeping import reports_refresh
    from kinfolk.reports.models import StoredReport

    # The active pairings come from the report kept for their organisations, not the whole one.
    assert StoredReport.objects.get().organisations == [people["ada"].organisation_id]
    reports_refresh()
    response = _get(client, "staff:figures", programme.pk)
    assert response.context["figures"].active.text == "fewer than 5"


def test_limited_coordinator_invites_only_volunteers_of_their_organisations(
    client, limited, programme, acme, school
):
    from kinfolk.people.models import Invitation

    client.force_login(limited)
    url = reverse("programmes:invitations", args=[programme.pk])
    base = {"first_name": "Ivy", "email": "ivy@example.org"}
    for refused in (
        {**base, "role": "household"},
        {**base, "role": "volunteer"},
        {**base, "role": "volunteer", "organisation": school.pk},
    ):
        assert client.post(url, refused).status_code == 200
    assert not Invitation.objects.exists()
    client.post(url, {**base, "role": "volunteer", "organisation": acme.pk})
    assert Invitation.objects.get().organisation == acme


def test_limited_coordinator_adds_no_organisation(client, limited, programme):
    client.force_login(limited)
    url = reverse("programmes:organisations", args=[programme.pk])
    assert "Add an organisation" not in client.get(url).content.decode()
    assert client.post(url, {"name": "New Club", "kind": "club"}).status_code == 404
    assert not Organisation.objects.filter(name="New Club").exists()


def test_organisation_run_shows_no_household_outside_the_limit(
    client, limited, programme, acme, people
):
    from kinfolk.pairings.models import RunPair, RunUnpaired

    run = MatchingRun.objects.create(
        programme=programme,
        organisation=acme,
        scope="organisation",
        status="ready",
        summary={
            "pairs": 1,
            "unpaired_volunteers": 0,
            "unpaired_households": 2,
            "reasons": {"no shared language": 2},
        },
    )
    RunPair.objects.create(
        run=run,
        volunteer=people["ada"],
        household=people["lone"],
        cost=1,
        distance_km=2.0,
        explanation={"volunteer_alternatives": [[people["haru"].external_id, 5]]},
    )
    RunUnpaired.objects.create(run=run, household=people["haru"], reason="no shared language")
    RunUnpaired.objects.create(run=run, household=people["hugo"], reason="no shared language")
    client.force_login(limited)
    text = _get(client, "matching:run_detail", programme.pk, run.pk).content.decode()
    # Proposed to Adaline (of Acme) in this run, and paired with her.
    assert "Lonetta" in text and "Hugoline" in text
    assert "Haruki" not in text and people["haru"].external_id not in text


def _listed(response):
    """The people a list page shows, in its order."""
    return [row["person"] for row in response.context["rows"]]
