"""Imported people are invited in bulk through the outbox; they take part only by accepting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kinfolk.imports import inviting, services
from kinfolk.imports.models import Invitee, PeopleImport
from kinfolk.imports.tests.conftest import households_csv, row
from kinfolk.outbox.models import Message
from kinfolk.people.models import Consent, Household, Invitation

PASSWORD = "a long and quiet river"


@pytest.fixture
def imported(journey):
    return journey(households_csv(row(1), row(2), row(3, email="")), commit=True)


def _send(imported, coordinator, capture):
    with capture(execute=True):
        inviting.invitations_start(people_import=imported, by=coordinator)
    imported.refresh_from_db()


def test_everyone_with_an_address_is_invited_once_through_the_outbox(
    imported, coordinator, django_capture_on_commit_callbacks
):
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    assert (imported.invite_done, imported.invite_total, imported.inviting) == (2, 2, False)
    messages = Message.objects.filter(purpose="invitation")
    assert sorted(messages.values_list("to", flat=True)) == [
        "ann1@example.org",
        "ann2@example.org",
    ]
    assert all("Taking part is voluntary" in m.body for m in messages)
    assert set(messages.values_list("state", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["ann1@example.org", "ann2@example.org"]
    assert Invitation.objects.filter(role="link", household__isnull=False).count() == 2
    # Sending again invites nobody twice.
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    assert imported.invite_done == 0
    assert Message.objects.filter(purpose="invitation").count() == 2
    assert Household.objects.get(external_id="H3").state == "invited"  # no address: not invited


def test_accepting_the_invitation_makes_the_household_take_part(
    client, imported, coordinator, programme, django_capture_on_commit_callbacks
):
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    body = Message.objects.get(to="ann1@example.org").body
    link = re.search(r"http\S+", body).group(0).replace("http://127.0.0.1:8000", "")
    page = client.get(link).content.decode()
    assert "has your name and details from its own records" in page
    assert "paper form" not in page
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.status_code == 302
    household = Household.objects.get(external_id="H1")
    assert household.state == "active"
    assert household.waiting_since == programme.today()
    assert household.members.get().user.email == "ann1@example.org"
    assert Consent.objects.get(household=household).method == "invitation"
    assert Household.objects.get(external_id="H2").state == "invited"


def test_a_coordinator_can_record_a_paper_consent_instead(imported, coordinator, programme):
    household = Household.objects.get(external_id="H3")
    services.invitee_consent_record(
        person=household, given_on=programme.today(), recorded_by=coordinator
    )
    household.refresh_from_db()
    assert household.state == "active"
    consent = Consent.objects.get(household=household)
    assert (consent.method, consent.recorded_by) == ("paper", coordinator)
    with pytest.raises(ValidationError, match="already on record"):
        services.invitee_consent_record(
            person=household, given_on=programme.today(), recorded_by=coordinator
        )


def test_a_paper_consent_dated_in_the_future_is_refused(imported, coordinator, programme):
    household = Household.objects.get(external_id="H3")
    with pytest.raises(ValidationError):
        services.invitee_consent_record(
            person=household,
            given_on=programme.today() + dt.timedelta(days=1),
            recorded_by=coordinator,
        )
    assert not Consent.objects.filter(household=household).exists()


def test_someone_who_took_part_is_not_invited(
    imported, coordinator, programme, django_capture_on_commit_callbacks
):
    household = Household.objects.get(external_id="H1")
    services.invitee_consent_record(
        person=household, given_on=programme.today(), recorded_by=coordinator
    )
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    assert list(Message.objects.values_list("to", flat=True)) == ["ann2@example.org"]


def test_invitations_cannot_start_before_the_import_is_committed(journey, coordinator):
    made = journey(households_csv(row(1)))
    assert made.status == PeopleImport.Status.PREVIEWED
    with pytest.raises(ValidationError):
        inviting.invitations_start(people_import=made, by=coordinator)
    assert not Invitee.objects.exists() and not Message.objects.exists()


def test_the_counts_say_who_is_invited_and_who_takes_part(
    imported, coordinator, programme, django_capture_on_commit_callbacks
):
    from kinfolk.imports.selectors import invitee_counts

    assert invitee_counts(people_import=imported) == {
        "people": 3, "invited": 0, "to_invite": 2, "no_email": 1, "taking_part": 0,
    }  # fmt: skip
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    services.invitee_consent_record(
        person=Household.objects.get(external_id="H3"),
        given_on=programme.today(),
        recorded_by=coordinator,
    )
    assert invitee_counts(people_import=imported) == {
        "people": 3, "invited": 2, "to_invite": 0, "no_email": 1, "taking_part": 1,
    }  # fmt: skip
