"""Concerns reach the coordinators at once, are handled, and never reach whom they are about."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.casework.models import Concern
from kinfolk.casework.services import CaseworkError
from kinfolk.casework.services.concerns import concern_close, concern_raise
from kinfolk.outbox.models import Message
from kinfolk.pairings.services import visitor_report


def _coordinator_mail():
    return Message.objects.filter(purpose="concern_new")


def test_a_households_report_becomes_a_concern_and_emails_the_coordinators(
    programme, coordinator, pairing, household_user
):
    visitor_report(
        pairing=pairing, household=pairing.household, by=household_user, words="Late", end=False
    )
    concern = Concern.objects.get()
    assert (concern.source, concern.state, concern.words) == ("household", "new", "Late")
    mail = _coordinator_mail().get()
    assert mail.to == coordinator.email
    assert "Late" not in mail.body  # the words stay behind the sign-in
    assert reverse("casework:concern_detail", args=[programme.pk, concern.pk]) in mail.body


def test_a_volunteer_raises_a_private_concern_about_a_visit(
    client, programme, coordinator, pairing, past_visit, volunteer_user
):
    client.force_login(volunteer_user)
    url = reverse("casework:volunteer_concern", args=[pairing.volunteer_id, past_visit.pk])
    assert "never shown" in client.get(url).content.decode()
    response = client.post(url, {"words": "The dog bit me."}, follow=True)
    assert "have your concern" in response.content.decode()
    concern = Concern.objects.get()
    assert (concern.source, concern.visit, concern.raised_by) == (
        "volunteer",
        past_visit,
        volunteer_user,
    )
    assert _coordinator_mail().get().to == coordinator.email


def test_a_volunteer_cannot_raise_a_concern_about_someone_elses_visit(
    client, programme, pairing, past_visit, applicant
):
    client.force_login(applicant.user)
    url = reverse("casework:volunteer_concern", args=[applicant.pk, past_visit.pk])
    assert client.post(url, {"words": "x"}).status_code == 404
    assert not Concern.objects.exists()


def test_an_empty_concern_is_refused(client, pairing, past_visit, volunteer_user):
    client.force_login(volunteer_user)
    url = reverse("casework:volunteer_concern", args=[pairing.volunteer_id, past_visit.pk])
    response = client.post(url, {"words": "   "})
    assert response.status_code == 200
    assert not Concern.objects.exists()


def test_the_overview_shows_a_badge_of_open_concerns(
    coordinator_client, programme, pairing, past_visit
):
    concern_raise(volunteer=pairing.volunteer, visit=past_visit, by=None, words="x")
    page = coordinator_client.get(reverse("programmes:overview", args=[programme.pk]))
    assert 'id="open-concerns">1 open' in page.content.decode()


def test_a_coordinator_takes_notes_and_closes_a_concern(
    coordinator_client, programme, coordinator, pairing, past_visit
):
    concern = concern_raise(volunteer=pairing.volunteer, visit=past_visit, by=None, words="x")
    url = reverse("casework:concern_detail", args=[programme.pk, concern.pk])
    coordinator_client.post(url, {"do": "take"})
    coordinator_client.post(url, {"do": "note", "words": "Called the household."})
    page = coordinator_client.post(url, {"do": "close", "words": "Talked it through."}, follow=True)
    concern.refresh_from_db()
    assert (concern.state, concern.owner, concern.outcome) == (
        "closed",
        coordinator,
        "Talked it through.",
    )
    assert "Called the household." in page.content.decode()
    assert not Message.objects.exclude(purpose="concern_new").exists()  # nobody else is told


def test_closing_needs_an_outcome_and_a_closed_concern_stays_closed(
    programme, coordinator, pairing, past_visit
):
    concern = concern_raise(volunteer=pairing.volunteer, visit=past_visit, by=None, words="x")
    with pytest.raises(CaseworkError, match="how the concern was resolved"):
        concern_close(concern=concern, by=coordinator, outcome=" ")
    concern_close(concern=concern, by=coordinator, outcome="done")
    with pytest.raises(CaseworkError, match="closed"):
        concern_close(concern=concern, by=coordinator, outcome="again")
    concern.refresh_from_db()
    assert concern.outcome == "done"


def test_a_closed_concern_is_never_shown_to_the_person_it_is_about(
    client, programme, coordinator, pairing, household_user, volunteer_user
):
    visitor_report(
        pairing=pairing, household=pairing.household, by=household_user, words="SECRET", end=False
    )
    concern_close(concern=Concern.objects.get(), by=coordinator, outcome="OUTCOME-WORDS")
    client.force_login(volunteer_user)
    for url in (
        reverse("privacy:my_data"),
        reverse("people:volunteer_home", args=[pairing.volunteer_id]),
        reverse("pairings:pairing_detail", args=["volunteer", pairing.volunteer_id, pairing.pk]),
    ):
        page = client.get(url).content.decode()
        assert "SECRET" not in page and "OUTCOME-WORDS" not in page, url


def test_another_programmes_coordinator_cannot_handle_a_concern(
    client, other_coordinator, programme, pairing, past_visit
):
    concern = concern_raise(volunteer=pairing.volunteer, visit=past_visit, by=None, words="x")
    client.force_login(other_coordinator)
    url = reverse("casework:concern_detail", args=[programme.pk, concern.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"do": "close", "words": "x"}).status_code == 404
    concern.refresh_from_db()
    assert concern.state == "new"


def test_the_reports_page_links_each_report_to_its_concern(
    coordinator_client, programme, pairing, household_user
):
    visitor_report(
        pairing=pairing, household=pairing.household, by=household_user, words="Late", end=False
    )
    page = coordinator_client.get(reverse("matching:reports", args=[programme.pk]))
    concern = Concern.objects.get()
    assert reverse("casework:concern_detail", args=[programme.pk, concern.pk]) in (
        page.content.decode()
    )


def test_a_concern_is_handed_to_another_coordinator_of_the_programme_only(
    coordinator_client, programme, pairing, past_visit, other_coordinator
):
    from kinfolk.testing import make_coordinator, make_user

    colleague = make_coordinator(programme, make_user("cleo@example.org", first_name="Cleo"))
    concern = concern_raise(volunteer=pairing.volunteer, visit=past_visit, by=None, words="x")
    url = reverse("casework:concern_detail", args=[programme.pk, concern.pk])
    assert "Hand it to" in coordinator_client.get(url).content.decode()
    page = coordinator_client.post(
        url, {"do": "assign", "owner": other_coordinator.pk}, follow=True
    )
    assert "Choose one of this programme" in page.content.decode()
    concern.refresh_from_db()
    assert (concern.state, concern.owner) == ("new", None)
    coordinator_client.post(url, {"do": "assign", "owner": colleague.pk})
    concern.refresh_from_db()
    assert (concern.state, concern.owner) == ("in_hand", colleague)
