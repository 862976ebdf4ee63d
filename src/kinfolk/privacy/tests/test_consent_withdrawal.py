"""Withdrawing consent is one action, effective at once on every channel (GDPR art. 7(3)).

Every message is checked again just before it is sent: one queued before
the withdrawal, by e-mail or by text message, is dropped, not sent.
"""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_queue, outbox_deliver, sms_queue
from kinfolk.people.models import Household
from kinfolk.testing import make_pairing


@pytest.fixture
def queued(household, household_user, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    common = {"user": household_user, "person": household, "purpose": "test_notice"}
    email_queue(to="hana@example.org", subject="Tomorrow", body="Your visit", key="w1", **common)
    sms_queue(to="+447700900123", body="Your visit", key="w2", **common)
    return tmp_path / "sms.log"


def test_one_action_withdraws_and_no_queued_message_goes_out(
    client, household, household_user, volunteer, queued
):
    make_pairing(volunteer, household)
    client.force_login(household_user)
    response = client.post(reverse("people:household_consent_withdraw", args=[household.pk]))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.state == "left"
    assert not household.consents.filter(withdrawn_at__isnull=True).exists()
    outbox_deliver()
    assert [m.to for m in mail.outbox if "hana@example.org" in m.to] == []
    assert not queued.exists() or "+447700900123" not in queued.read_text()
    for message in Message.objects.filter(person_kind="household", person_id=household.pk):
        assert message.state == Message.State.DROPPED


def test_the_state_is_checked_again_just_before_sending(household, queued):
    # A withdrawal that reached the database by any path, after the messages were queued.
    Household.objects.filter(pk=household.pk).update(state="left")
    counts = outbox_deliver()
    assert counts["sent"] == 0 and counts["dropped"] == 2
    assert mail.outbox == []


def test_a_message_still_goes_to_someone_who_did_not_withdraw(household, queued):
    counts = outbox_deliver()
    assert counts["sent"] == 2
    sent = [json.loads(line)["to"] for line in queued.read_text().splitlines()]
    assert sent == ["+447700900123"]


def test_a_withdrawal_during_the_batch_stops_the_messages_not_yet_sent(
    household, queued, monkeypatch
):
    from kinfolk.outbox.purposes import purpose_register
    from kinfolk.outbox.services import delivery

    # As if sending had already taken longer than the re-check interval.
    monkeypatch.setattr(delivery, "RECHECK_SECONDS", 0)

    def withdraws_meanwhile(messages):
        # The batch's checks have passed; now the person withdraws, before anything is sent.
        Household.objects.filter(pk=household.pk).update(state="left")
        return {m.pk for m in messages}

    purpose_register("test_notice", still_applies=withdraws_meanwhile)
    try:
        counts = outbox_deliver()
    finally:
        from kinfolk.outbox.purposes import PURPOSES

        PURPOSES.pop("test_notice", None)
    assert counts["sent"] == 0 and counts["dropped"] == 2
    assert mail.outbox == []
