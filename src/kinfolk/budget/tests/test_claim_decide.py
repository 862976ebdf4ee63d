"""A coordinator approves or refuses with a note; the claimant is told through the outbox."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kinfolk.budget.claims import claim_approve, claim_reject, claim_settings_set
from kinfolk.budget.models import ExpenseClaim
from kinfolk.budget.tests.claim_helpers import met, submitted
from kinfolk.outbox.models import Message


def _url(claim):
    return reverse("budget:claim_detail", args=[claim.programme_id, claim.pk])


def test_approving_queues_an_email_to_the_volunteer(volunteer, household, coordinator):
    claim = submitted(volunteer, met(volunteer, household))
    claim_approve(claim=claim, by=coordinator, note="Thanks for going!")
    claim.refresh_from_db()
    assert (claim.state, claim.decided_by, claim.decision_note) == (
        "approved",
        coordinator,
        "Thanks for going!",
    )
    message = Message.objects.get(purpose="claim_decided")
    assert message.to == volunteer.user.email
    assert (message.person_kind, message.person_id) == ("volunteer", volunteer.pk)
    assert "approved" in message.subject
    assert "12.50 GBP" in message.body and "Thanks for going!" in message.body
    assert f"/claims/{claim.pk}/" in message.body


def test_refusing_needs_a_note_and_tells_every_adult_of_the_household(
    volunteer, household, coordinator, programme
):
    from kinfolk.people.models import HouseholdMember
    from kinfolk.testing import make_user

    HouseholdMember.objects.create(household=household, user=make_user("kofi@example.org"))
    claim_settings_set(programme=programme, households_may_claim=True)
    claim = submitted(household, met(volunteer, household), distance_m=0)
    with pytest.raises(ValidationError) as caught:
        claim_reject(claim=claim, by=coordinator, note="  ")
    assert "note" in caught.value.message_dict
    assert ExpenseClaim.objects.get().state == "submitted" and not Message.objects.exists()
    claim_reject(claim=claim, by=coordinator, note="Hosting costs are paid from January.")
    recipients = set(Message.objects.values_list("to", flat=True))
    assert recipients == {"hana@example.org", "kofi@example.org"}
    assert all("not approved" in m.subject for m in Message.objects.all())


def test_an_unconfirmed_visit_needs_the_coordinators_note_before_approval(
    volunteer, household, coordinator
):
    claim = submitted(volunteer, met(volunteer, household, state="unconfirmed"))
    with pytest.raises(ValidationError) as caught:
        claim_approve(claim=claim, by=coordinator)
    assert "confirmation_note" in caught.value.message_dict
    assert ExpenseClaim.objects.get().state == "submitted" and not Message.objects.exists()
    claim_approve(claim=claim, by=coordinator, confirmation_note="Both confirmed by phone")
    assert ExpenseClaim.objects.get().confirmation_note == "Both confirmed by phone"


def test_a_claim_whose_visit_is_now_recorded_missed_cannot_be_approved(
    volunteer, household, coordinator
):
    visit = met(volunteer, household)
    claim = submitted(volunteer, visit)
    visit.state = "missed"
    visit.save(update_fields=["state"])
    with pytest.raises(ValidationError, match="cannot be approved"):
        claim_approve(claim=claim, by=coordinator)
    assert ExpenseClaim.objects.get().state == "submitted"


def test_a_claim_is_decided_once(volunteer, household, coordinator):
    claim = submitted(volunteer, met(volunteer, household))
    stale = ExpenseClaim.objects.get(pk=claim.pk)
    claim_approve(claim=claim, by=coordinator)
    with pytest.raises(ValidationError, match="already been decided"):
        claim_reject(claim=stale, by=coordinator, note="no")
    assert ExpenseClaim.objects.get().state == "approved"
    assert Message.objects.count() == 1


def test_the_coordinator_decides_on_the_page(client, volunteer, household, coordinator):
    claim = submitted(volunteer, met(volunteer, household, state="unconfirmed"))
    client.force_login(coordinator)
    page = client.get(_url(claim))
    assert page.status_code == 200 and "remember this visit differently" in page.content.decode()
    refused = client.post(_url(claim), {"decision": "approve"})
    assert refused.status_code == 200
    assert "Say how you confirmed" in refused.content.decode()
    assert ExpenseClaim.objects.get().state == "submitted"
    done = client.post(
        _url(claim), {"decision": "approve", "confirmation_note": "Called both", "note": "ok"}
    )
    assert done.status_code == 302
    assert ExpenseClaim.objects.get().state == "approved"
    assert Message.objects.filter(purpose="claim_decided").count() == 1


def test_another_programmes_coordinator_cannot_decide(
    client, volunteer, household, other_coordinator, other_programme
):
    claim = submitted(volunteer, met(volunteer, household))
    client.force_login(other_coordinator)
    url = reverse("budget:claim_detail", args=[other_programme.pk, claim.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert client.get(_url(claim)).status_code == 404
    assert ExpenseClaim.objects.get().state == "submitted"


def test_the_claimant_cannot_decide_their_own_claim(client, volunteer, household):
    claim = submitted(volunteer, met(volunteer, household))
    client.force_login(volunteer.user)
    assert client.post(_url(claim), {"decision": "approve"}).status_code == 404
    assert ExpenseClaim.objects.get().state == "submitted"
