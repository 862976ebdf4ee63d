"""Imported people are invited in bulk through the outbox; they take part only by accepting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from kinfolk.imports import inviting, services
from kinfolk.imports.models import Invitee, PeopleImport
from kinfolk.imports.tests.conftest import households_csv, row
from kinfolk.outbox import sms
from kinfolk.outbox.models import Message
from kinfolk.people.models import Consent, Household, Invitation

PASSWORD = "a long and quiet river"


@pytest.fixture
def imported(journey):
    # Ann3 has a mobile number and no e-mail address; Ann4 has neither.
    rows = (row(1), row(2), row(3, email="", phone="07700 100123"), row(4, email="", phone=""))
    return journey(households_csv(*rows), commit=True)


def _send(imported, coordinator, capture):
    with capture(execute=True):
        inviting.invitations_start(people_import=imported, by=coordinator)
    imported.refresh_from_db()


def test_everyone_with_an_address_is_invited_once_through_the_outbox(
    imported, coordinator, django_capture_on_commit_callbacks
):
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    assert (imported.invite_done, imported.invite_total, imported.inviting) == (3, 3, False)
    messages = Message.objects.filter(purpose="invitation", channel="email")
    assert sorted(messages.values_list("to", flat=True)) == [
        "ann1@example.org",
        "ann2@example.org",
    ]
    assert all("Taking part is voluntary" in m.body for m in messages)
    assert set(messages.values_list("state", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["ann1@example.org", "ann2@example.org"]
    assert Invitation.objects.filter(role="link", household__isnull=False).count() == 3
    # Sending again invites nobody twice.
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    assert imported.invite_done == 0
    assert Message.objects.filter(purpose="invitation").count() == 3
    assert Household.objects.get(external_id="H4").state == "invited"  # no address: not invited


def test_someone_with_only_a_mobile_number_is_invited_once_by_text_message(
    imported, coordinator, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", str(tmp_path / "sms.log")
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    text = Message.objects.get(purpose="invitation", channel="sms")
    assert (text.to, text.state) == ("+447700100123", "sent")
    assert "voluntary" in text.body and "nothing happens unless you accept" in text.body
    invitation = Invitation.objects.get(household__external_id="H3")
    assert (invitation.email, invitation.phone) == ("", "+447700100123")
    [delivered] = sms.read_file()  # the provider got it exactly once
    assert delivered.to == "+447700100123" and delivered.body == text.body
    assert Household.objects.get(external_id="H3").state == "invited"  # not until they accept


def test_a_sender_stopped_half_way_resumes_and_texts_nobody_twice(
    journey, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    rows = [row(n, email="", phone=f"07700 1{n:05d}") for n in range(1, 8)]
    made = journey(households_csv(*rows), commit=True)
    monkeypatch.setattr(inviting, "_BATCH", 3)
    real = inviting._batch_invite
    batches = []

    def dies_on_the_second_batch(*args):
        batches.append(1)
        if len(batches) == 2:
            raise RuntimeError("worker died")  # the batch's transaction is lost with it
        real(*args)

    monkeypatch.setattr(inviting, "_batch_invite", dies_on_the_second_batch)
    _send(made, coordinator, django_capture_on_commit_callbacks)  # the task fails
    assert Message.objects.filter(channel="sms").count() == 3  # the first batch only
    assert Invitation.objects.count() == 3
    assert made.inviting  # still marked as sending, until the tick sets it back
    services.imports_stale_reset(now=timezone.now() + dt.timedelta(hours=1))
    monkeypatch.setattr(inviting, "_batch_invite", real)
    _send(made, coordinator, django_capture_on_commit_callbacks)
    texts = Message.objects.filter(channel="sms", purpose="invitation")
    assert texts.count() == 7
    assert len(set(texts.values_list("to", flat=True))) == 7
    assert Invitation.objects.count() == 7


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


def test_accepting_a_texted_invitation_makes_an_account_that_signs_in_by_phone(
    client, imported, coordinator, programme, django_capture_on_commit_callbacks
):
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    body = Message.objects.get(channel="sms", purpose="invitation").body
    link = re.search(r"http\S+", body).group(0).replace("http://127.0.0.1:8000", "")
    page = client.get(link).content.decode()
    assert "You will sign in with your mobile number, +44 7700 100123" in page
    assert Household.objects.get(external_id="H3").state == "invited"  # opening is not joining
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"})
    assert response.status_code == 302
    household = Household.objects.get(external_id="H3")
    assert household.state == "active"
    user = household.members.get().user
    assert (user.email, user.phone) == (None, "+447700100123")
    assert user.phone_verified_at is not None
    assert Consent.objects.get(household=household).method == "invitation"
    client.logout()
    # They sign in with the number, however they write it.
    signed_in = client.post("/accounts/login/", {"username": "07700 100123", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_texted_invitation_cannot_be_accepted_without_consent(
    client, imported, coordinator, django_capture_on_commit_callbacks
):
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    body = Message.objects.get(channel="sms", purpose="invitation").body
    link = re.search(r"http\S+", body).group(0).replace("http://127.0.0.1:8000", "")
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert Household.objects.get(external_id="H3").state == "invited"
    assert not Consent.objects.filter(household__external_id="H3").exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(phone="+447700100123").exists()


def test_a_coordinator_can_record_a_paper_consent_instead(imported, coordinator, programme):
    household = Household.objects.get(external_id="H4")
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
    assert sorted(Message.objects.values_list("to", flat=True)) == [
        "+447700100123",
        "ann2@example.org",
    ]


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
        "people": 4, "invited": 0, "to_invite": 3, "no_email": 2, "by_sms": 1,
        "no_address": 1, "taking_part": 0,
    }  # fmt: skip
    _send(imported, coordinator, django_capture_on_commit_callbacks)
    services.invitee_consent_record(
        person=Household.objects.get(external_id="H4"),
        given_on=programme.today(),
        recorded_by=coordinator,
    )
    assert invitee_counts(people_import=imported) == {
        "people": 4, "invited": 3, "to_invite": 0, "no_email": 2, "by_sms": 1,
        "no_address": 1, "taking_part": 1,
    }  # fmt: skip
