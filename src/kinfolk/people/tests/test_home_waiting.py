"""A participant's home page says what waits for them: an answer to give, or the other side's."""

import re

import pytest
from django.urls import reverse

from kinfolk.testing import make_pairing, make_proposal, make_time, make_visit


@pytest.fixture
def vera(client, volunteer_user):
    client.force_login(volunteer_user)
    return client


def _home(client, person):
    page = client.get(reverse(f"people:{person.side}_home", args=[person.pk])).content.decode()
    # The raw page, then its words: names sit in <bdi> elements.
    return page + "\n" + re.sub(r"<(?!/?a\b)[^>]+>", "", page)


def test_a_proposal_to_answer_is_shown_with_a_link(vera, volunteer, household):
    proposal = make_proposal(volunteer, household)
    page = _home(vera, volunteer)
    assert "We propose that you meet Hana. Please answer by" in page
    assert (
        reverse("pairings:proposal_detail", args=["volunteer", volunteer.pk, proposal.pk]) in page
    )


def test_after_saying_yes_it_says_we_wait_for_the_other_side(vera, volunteer, household):
    make_proposal(volunteer, household, volunteer_answer="accepted")
    page = _home(vera, volunteer)
    assert "You said yes to meeting Hana. We are waiting for Hana's answer." in page
    assert "Please answer by" not in page  # it does not ask again


def test_a_time_the_other_side_proposed_waits_for_an_answer(
    client, volunteer, household, household_user
):
    pairing = make_pairing(volunteer, household)
    visit = make_visit(pairing)
    make_time(visit, by="volunteer")
    client.force_login(household_user)
    page = _home(client, household)
    assert "Vera proposes" in page
    assert reverse("visits:visit_detail", args=["household", household.pk, visit.pk]) in page


def test_ones_own_time_shows_as_waiting_for_the_other_side(vera, volunteer, household):
    visit = make_visit(make_pairing(volunteer, household))
    make_time(visit, by="volunteer")
    page = _home(vera, volunteer)
    assert "You proposed" in page
    assert "waiting for Hana" in page


def test_nothing_waiting_shows_no_card(vera, volunteer):
    assert 'id="waiting"' not in _home(vera, volunteer)


def test_another_persons_proposal_is_not_shown(vera, volunteer, programme):
    from kinfolk.testing import make_household, make_volunteer

    make_proposal(make_volunteer(programme, first_name="Otto"), make_household(programme))
    assert 'id="waiting"' not in _home(vera, volunteer)
