"""An optional "about me" and interests: shown to the other side of a proposal, never matched."""

import pytest
from django.urls import reverse

from kinfolk.engine.population import COLUMNS
from kinfolk.introductions.models import ABOUT_MAX, Introduction
from kinfolk.pairings import matching
from kinfolk.testing import make_household, make_proposal, make_user


def _url(person):
    return reverse(f"introductions:{person.side}_introduction", args=[person.pk])


def _stored():
    return list(
        Introduction.objects.values_list("volunteer_id", "household_id", "about_me", "interests")
    )


@pytest.fixture
def vera(client, volunteer_user):
    client.force_login(volunteer_user)
    return client


def test_a_volunteer_writes_an_introduction(vera, volunteer):
    response = vera.post(
        _url(volunteer), {"about_me": "I love long walks.", "interests": "chess,  baking"}
    )
    assert response.status_code == 302
    assert _stored() == [(volunteer.pk, None, "I love long walks.", "chess, baking")]


def test_the_other_side_sees_it_on_the_proposal_and_nobody_else(
    client, vera, volunteer, household, household_user, programme
):
    vera.post(_url(volunteer), {"about_me": "Retired teacher, loves gardens.", "interests": "tea"})
    proposal = make_proposal(volunteer, household)
    client.force_login(household_user)
    url = reverse("pairings:proposal_detail", args=["household", household.pk, proposal.pk])
    page = client.get(url).content.decode()
    assert "Retired teacher, loves gardens." in page
    assert 'id="partner-introduction"' in page
    # Another household, proposed to someone else, cannot open this proposal.
    stranger = make_user("sol@example.org")
    other = make_household(programme, users=(stranger,), first_name="Sol")
    client.force_login(stranger)
    foreign = reverse("pairings:proposal_detail", args=["household", other.pk, proposal.pk])
    assert client.get(foreign).status_code == 404


def test_too_long_is_refused_and_nothing_is_stored(vera, volunteer):
    page = vera.post(_url(volunteer), {"about_me": "x" * (ABOUT_MAX + 1), "interests": ""})
    assert "at most 300 characters" in page.content.decode()
    assert _stored() == []


@pytest.mark.parametrize(
    "text", ["Call me on 07700 900123", "write to vera@example.org", "+44 (0)113 496 0000"]
)
def test_contact_details_are_refused_and_nothing_changes(vera, volunteer, text):
    Introduction.objects.create(volunteer=volunteer, about_me="Hello")
    page = vera.post(_url(volunteer), {"about_me": text, "interests": ""}).content.decode()
    assert "Please leave out phone numbers" in page
    assert _stored() == [(volunteer.pk, None, "Hello", "")]


def test_the_home_address_is_refused(client, household, household_user):
    from kinfolk.testing import contact_of

    client.force_login(household_user)
    address = contact_of(household)["address"]
    page = client.post(_url(household), {"about_me": f"We live at {address}", "interests": ""})
    assert "Please leave out" in page.content.decode()
    assert _stored() == []


def test_emptying_both_fields_removes_it(vera, volunteer):
    Introduction.objects.create(volunteer=volunteer, about_me="Hello", interests="chess")
    vera.post(_url(volunteer), {"about_me": " ", "interests": ""})
    assert _stored() == []


def test_another_households_id_in_the_url_is_a_404(client, household, household_user, programme):
    other = make_household(programme, users=(make_user(),), first_name="Olga")
    client.force_login(household_user)
    assert client.get(_url(other)).status_code == 404
    assert client.post(_url(other), {"about_me": "Hi", "interests": ""}).status_code == 404
    assert _stored() == []


def test_the_help_text_says_what_not_to_write(vera, volunteer):
    page = vera.get(_url(volunteer)).content.decode()
    assert "Do not write about health, disability, religion" in page


def test_the_engine_never_sees_it():
    for name in ("about_me", "interests"):
        assert name not in COLUMNS
        assert name not in matching._FIELDS
