"""A participant's proposal and pairing pages: what each side sees, and when."""

from django.urls import reverse

from kinfolk.pairings.models import Pairing
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.testing import contact_of, make_pairing, make_proposal


def _proposal_url(kind, person, proposal, page="proposal_detail"):
    return reverse(f"pairings:{page}", args=[kind, person.pk, proposal.pk])


def test_proposal_shows_first_name_band_languages_and_times_but_no_address(
    client, volunteer, household
):
    proposal = make_proposal(volunteer, household)
    client.force_login(volunteer.user)
    page = client.get(_proposal_url("volunteer", volunteer, proposal)).content.decode()
    assert "Hana" in page
    assert "2–5 km" in page
    assert "Polish" in page and "Monday evening" in page
    contact = contact_of(household)
    assert contact["address"] not in page and contact["phone"] not in page


def test_home_page_points_to_the_open_proposal(client, household_user, volunteer, household):
    proposal = make_proposal(volunteer, household)
    client.force_login(household_user)
    page = client.get(reverse("people:household_home", args=[household.pk])).content.decode()
    assert "We propose that you meet <bdi>Vera</bdi>" in page
    assert _proposal_url("household", household, proposal) in page


def test_both_answer_yes_through_the_pages_and_then_see_each_others_contact_details(
    client, volunteer, household_user, household
):
    proposal = make_proposal(volunteer, household)
    client.force_login(volunteer.user)
    client.post(
        _proposal_url("volunteer", volunteer, proposal, "proposal_answer"), {"answer": "accept"}
    )
    client.force_login(household_user)
    client.post(
        _proposal_url("household", household, proposal, "proposal_answer"), {"answer": "accept"}
    )
    pairing = Pairing.objects.get()
    client.force_login(volunteer.user)
    page = client.get(
        reverse("pairings:pairing_detail", args=["volunteer", volunteer.pk, pairing.pk])
    )
    assert contact_of(household)["address"] in page.content.decode()
    log = ContactAccessLog.objects.get()
    assert (log.viewer_id, log.person_kind, log.person_id, log.reasons) == (
        volunteer.user.pk,
        "household",
        household.pk,
        "active pairing",
    )


def test_volunteer_cannot_read_address_without_accepted_pairing(client, volunteer, household):
    proposal = make_proposal(volunteer, household, volunteer_answer="accepted")
    client.force_login(volunteer.user)
    assert (
        contact_of(household)["address"]
        not in client.get(_proposal_url("volunteer", volunteer, proposal)).content.decode()
    )
    assert not ContactAccessLog.objects.exists()


def test_volunteer_cannot_read_address_after_the_pairing_ended(client, volunteer, household):
    pairing = make_pairing(volunteer, household, state="ended")
    client.force_login(volunteer.user)
    page = client.get(
        reverse("pairings:pairing_detail", args=["volunteer", volunteer.pk, pairing.pk])
    )
    assert contact_of(household)["address"] not in page.content.decode()
    assert "has ended" in page.content.decode()
    assert not ContactAccessLog.objects.exists()


def test_a_decline_needs_no_reason(client, household_user, volunteer, household):
    proposal = make_proposal(volunteer, household)
    client.force_login(household_user)
    response = client.post(
        _proposal_url("household", household, proposal, "proposal_answer"), {"answer": "decline"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "declined"


def test_household_ends_the_pairing_after_a_confirmation_page(
    client, household_user, volunteer, household
):
    pairing = make_pairing(volunteer, household)
    client.force_login(household_user)
    url = reverse("pairings:pairing_end", args=["household", household.pk, pairing.pk])
    assert b"told only that the pairing has ended" in client.get(url).content
    assert Pairing.objects.get().state == "active"
    client.post(url)
    assert Pairing.objects.get().state == "ended"


def test_a_second_answer_shows_a_message_and_changes_nothing(client, volunteer, household):
    proposal = make_proposal(volunteer, household, volunteer_answer="declined", state="declined")
    client.force_login(volunteer.user)
    response = client.post(
        _proposal_url("volunteer", volunteer, proposal, "proposal_answer"),
        {"answer": "accept"},
        follow=True,
    )
    assert b"closed; nothing was changed" in response.content
    proposal.refresh_from_db()
    assert proposal.volunteer_answer == "declined"


def test_a_language_name_the_page_cannot_read_is_shown_as_it_is():
    from kinfolk.pairings.explain import language_names

    assert language_names(["pl", "not a tag"]) == "Polish, not a tag"
