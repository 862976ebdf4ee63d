"""A coordinator limited to regions sees and acts only on their regions' people (charter rule 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.testing import (
    make_household,
    make_pairing,
    make_proposal,
    make_user,
    make_visit,
    make_volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(programme, west, north):
    """Nora and Nell in York (North), paired; Wes and Wanda in Leeds (West), paired;
    Oona in Otley (no region); Cross in Leeds paired with Hopper in Harrogate (across)."""

    def vol(name, town):
        return make_volunteer(programme, user=make_user(), first_name=name, town=town)

    def home(name, town):
        return make_household(programme, users=(make_user(),), first_name=name, town=town)

    found = {
        "nora": vol("Norabelle", "York"),
        "nell": home("Nellwyn", "York"),
        "wes": vol("Wesleyan", "Leeds"),
        "wanda": home("Wandalin", "Leeds"),
        "oona": vol("Oonagh", "Otley"),
        "cross": vol("Crosbie", "Leeds"),
        "hopper": home("Hopperly", "Harrogate"),
    }
    found["north_pair"] = make_pairing(found["nora"], found["nell"])
    found["west_pair"] = make_pairing(found["wes"], found["wanda"])
    found["across"] = make_pairing(found["cross"], found["hopper"])
    found["west_visit"] = make_visit(found["west_pair"], state="agreed")
    found["north_visit"] = make_visit(found["north_pair"], state="agreed")
    return found


def _status(client, name, *args):
    return client.get(reverse(name, args=args)).status_code


def test_region_limited_coordinator_opens_their_regions_people(client, programme, people, rhea):
    client.force_login(rhea)
    p = programme.pk
    assert _status(client, "programmes:volunteer_detail", p, people["nora"].pk) == 200
    assert _status(client, "programmes:household_detail", p, people["nell"].pk) == 200
    assert _status(client, "casework:pairing_story", p, people["north_pair"].pk) == 200


def test_region_limited_coordinator_gets_404_for_another_regions_ids(
    client, programme, people, rhea
):
    client.force_login(rhea)
    p = programme.pk
    assert _status(client, "programmes:volunteer_detail", p, people["wes"].pk) == 404
    assert _status(client, "programmes:household_detail", p, people["wanda"].pk) == 404
    assert _status(client, "programmes:volunteer_detail", p, people["oona"].pk) == 404
    assert _status(client, "casework:pairing_story", p, people["west_pair"].pk) == 404
    response = client.post(
        reverse("programmes:volunteer_withdraw", args=[p, people["wes"].pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert people["wes"].__class__.objects.get(pk=people["wes"].pk).state == "active"


def test_a_partner_across_the_border_is_seen_with_their_pairing(client, programme, people, rhea):
    client.force_login(rhea)
    p = programme.pk
    # Hopper lives in Harrogate (North); Cross, in Leeds, is paired with them.
    assert _status(client, "programmes:volunteer_detail", p, people["cross"].pk) == 200


def test_lists_and_overview_hold_only_their_regions(client, programme, people, rhea):
    client.force_login(rhea)
    volunteers = client.get(reverse("programmes:volunteers", args=[programme.pk])).content
    assert b"Norabelle" in volunteers and b"Crosbie" in volunteers
    assert b"Wesleyan" not in volunteers and b"Oonagh" not in volunteers
    overview = client.get(reverse("programmes:overview", args=[programme.pk])).content.decode()
    assert "By region" in overview and "North" in overview
    assert "West" not in overview and "Outside any region" not in overview
    assert "You coordinate some regions" in overview
    pairings = client.get(reverse("matching:pairings", args=[programme.pk])).content
    assert b"Norabelle" in pairings and b"Wesleyan" not in pairings


def test_whole_programme_pages_are_closed_to_them(client, programme, people, rhea):
    client.force_login(rhea)
    p = programme.pk
    assert _status(client, "imports:imports", p) == 404
    assert _status(client, "api_pages:exports", p) == 404
    assert _status(client, "regions:region_edit", p, programme.regions.first().pk) == 404
    before = programme.regions.count()
    client.post(reverse("regions:regions", args=[p]), {"name": "South", "towns": "Wakefield"})
    assert programme.regions.count() == before


def test_visits_dashboard_counts_only_their_regions(client, programme, people, rhea):
    client.force_login(rhea)
    page = client.get(reverse("visits:programme_dashboard", args=[programme.pk])).content.decode()
    assert "North" in page and "West" not in page


def test_a_proposal_across_the_border_is_theirs_too(client, programme, people, rhea):
    proposal = make_proposal(people["wes"], make_household(programme, town="York"))
    client.force_login(rhea)
    # Wes (West) was proposed to a York household: Rhea sees Wes now, Wanda still not.
    assert _status(client, "programmes:volunteer_detail", programme.pk, people["wes"].pk) == 200
    assert _status(client, "programmes:household_detail", programme.pk, people["wanda"].pk) == 404
    assert proposal.pk


def test_a_region_with_limited_coordinators_cannot_be_deleted(programme, coordinator, rhea, north):
    from django.core.exceptions import ValidationError

    from kinfolk.programmes.selectors import programme_get
    from kinfolk.regions.services import region_delete

    # Deleting it would leave Rhea with no region, which would mean every region.
    whole = programme_get(viewer=coordinator, programme_id=programme.pk)
    with pytest.raises(ValidationError, match="Rhea"):
        region_delete(programme=whole, region=north)
    assert programme.regions.filter(pk=north.pk).exists()
