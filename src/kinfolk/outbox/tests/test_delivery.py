"""Delivery: claimed, checked again, sent one by one and marked; retried, never sent twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from kinfolk.outbox import sms
from kinfolk.outbox.models import Message
from kinfolk.outbox.purposes import purpose_register
from kinfolk.outbox.services import MAX_ATTEMPTS, backoff, email_queue, outbox_deliver, sms_queue
from kinfolk.outbox.tests.backends import Crash, FailAfter
from kinfolk.testing import make_user

CRASHING = "kinfolk.outbox.tests.backends.FailAfter"


def _queue(n: int, **fields) -> list[str]:
    addresses = [f"reader{i}@example.org" for i in range(n)]
    for address in addresses:
        email_queue(
            to=address,
            subject="Hello",
            body=f"Dear {address}",
            purpose=fields.get("purpose", "test"),
            key=fields.get("key", "k"),
            **{k: v for k, v in fields.items() if k not in ("purpose", "key")},
        )
    return addresses


def _later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def _received() -> Counter[str]:
    return Counter(m.to[0] for m in mail.outbox)


def test_a_queued_message_is_sent_once_and_marked_sent(db):
    _queue(1)
    assert outbox_deliver()["sent"] == 1
    assert outbox_deliver()["sent"] == 0
    row = Message.objects.get()
    assert (row.state, row.attempts, row.claim) == ("sent", 1, "")
    assert row.sent_at is not None
    assert [m.to for m in mail.outbox] == [["reader0@example.org"]]


def test_every_send_of_a_row_carries_the_rows_one_message_id(db):
    _queue(1)
    row = Message.objects.get()
    outbox_deliver()
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    assert row.message_id.startswith("<") and row.message_id.endswith("@127.0.0.1>")


def test_the_same_notice_for_the_same_recipient_is_queued_once(db):
    _queue(1, key="proposal:7")
    _queue(1, key="proposal:7")
    _queue(1, key="proposal:8")
    assert Message.objects.count() == 2


def test_a_dedupe_key_carries_no_address(db):
    _queue(1)
    assert "reader0" not in Message.objects.get().dedupe_key


def test_a_second_worker_finds_nothing_to_claim(db):
    _queue(3)
    assert outbox_deliver(max_batches=1, batch_size=2)["sent"] == 2
    assert outbox_deliver()["sent"] == 1
    assert sum(_received().values()) == 3


def test_a_failure_is_retried_after_a_back_off_then_stops_as_failed(db, settings):
    settings.EMAIL_BACKEND = CRASHING
    FailAfter.limit, FailAfter.error = 0, ConnectionError
    _queue(1)
    moment = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = outbox_deliver(now=moment)
        row = Message.objects.get()
        assert row.attempts == attempt
        assert "ConnectionError: the mail server went away" in row.last_error
        assert outbox_deliver(now=moment)["sent"] == 0  # not due again before the back-off
        moment = moment + backoff(attempt) + dt.timedelta(seconds=1)
    assert outcome == {"sent": 0, "dropped": 0, "retrying": 0, "failed": 1}
    assert row.state == "failed"
    assert outbox_deliver(now=moment + dt.timedelta(days=30))["sent"] == 0


def test_the_back_off_grows_with_each_failure():
    waits = [backoff(n) for n in range(1, 7)]
    assert waits == sorted(waits) and waits[0] == dt.timedelta(minutes=1)


def test_an_error_never_shows_the_recipients_address(db, settings):
    settings.EMAIL_BACKEND = "kinfolk.outbox.tests.backends.RefusesRecipient"
    email_queue(to="secret@example.org", subject="s", body="b", purpose="test", key="k")
    outbox_deliver()
    error = Message.objects.get().last_error
    assert error == "ValueError: <recipient> refused: mailbox unavailable"


def test_a_backend_that_fails_after_k_messages_still_sends_each_exactly_once(db, settings):
    settings.EMAIL_BACKEND = CRASHING
    FailAfter.limit, FailAfter.error = 3, ConnectionError
    addresses = _queue(7)
    first = outbox_deliver()
    assert (first["sent"], first["retrying"]) == (3, 4)
    FailAfter.limit = 100  # the mail server is back
    outbox_deliver(now=_later(2))
    assert _received() == Counter(addresses)
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}


def test_a_crash_half_way_leaves_the_rest_claimed_and_they_go_exactly_once(db, settings):
    settings.EMAIL_BACKEND = CRASHING
    settings.OUTBOX_CLAIM_SECONDS = 600
    FailAfter.limit, FailAfter.error = 4, Crash
    addresses = _queue(9)
    with pytest.raises(Crash):  # the process "dies" while handing over the fifth message
        outbox_deliver()
    states = Counter(Message.objects.values_list("state", flat=True))
    assert states == {"sent": 4, "sending": 5}
    FailAfter.limit = 100
    assert outbox_deliver(now=_later(5))["sent"] == 0  # the claim may still be alive
    assert outbox_deliver(now=_later(11))["sent"] == 5  # now it is stale: taken over
    assert _received() == Counter(addresses)
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}


def test_a_stale_claim_is_sent_again_with_the_same_message_id(db):
    _queue(1)
    row = Message.objects.get()
    Message.objects.update(state="sending", claim="dead", claimed_at=_later(-30), attempts=1)
    outbox_deliver()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_a_worker_that_lost_its_claim_does_not_send(db, settings):
    """A slow worker whose claim was taken over checks before each send and skips the row."""
    settings.OUTBOX_CLAIM_SECONDS = 0  # every row's lease is renewed before it is sent
    _queue(2)

    def take_over(messages):
        Message.objects.filter(pk=messages[-1].pk).update(claim="another-worker")
        return {m.pk for m in messages}

    purpose_register("taken", still_applies=take_over)
    Message.objects.update(purpose="taken")
    assert outbox_deliver(max_batches=1)["sent"] == 1
    assert Message.objects.filter(claim="another-worker", state="sending").count() == 1


def test_a_message_to_an_account_no_longer_active_is_dropped(db):
    user = make_user("gone@example.org")
    email_queue(to=user.email, subject="s", body="b", purpose="test", key="k", user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert outbox_deliver()["dropped"] == 1
    assert mail.outbox == [] and Message.objects.get().state == "dropped"


def test_a_participant_notice_to_someone_who_left_is_dropped(volunteer, volunteer_user):
    email_queue(
        to=volunteer_user.email,
        subject="s",
        body="b",
        purpose="test",
        key="k",
        user=volunteer_user,
        person=volunteer,
    )
    volunteer.state = "left"
    volunteer.save(update_fields=["state"])
    assert outbox_deliver()["dropped"] == 1
    assert mail.outbox == []


def test_a_purpose_check_drops_what_no_longer_applies_and_frees_its_key(db):
    told: list[int] = []
    purpose_register(
        "checked",
        still_applies=lambda messages: {m.pk for m in messages if "keep" in m.body},
        dropped=lambda messages: told.extend(m.pk for m in messages),
    )
    email_queue(to="a@example.org", subject="s", body="keep", purpose="checked", key="1")
    email_queue(to="b@example.org", subject="s", body="drop", purpose="checked", key="1")
    assert outbox_deliver() == {"sent": 1, "dropped": 1, "retrying": 0, "failed": 0}
    assert told == list(Message.objects.filter(state="dropped").values_list("pk", flat=True))
    email_queue(to="b@example.org", subject="s", body="keep", purpose="checked", key="1")
    assert outbox_deliver()["sent"] == 1  # the dropped notice may be queued again


def test_a_check_that_breaks_is_retried_like_a_failed_send(db):
    def broken(messages):
        raise LookupError("the check could not read the database")

    purpose_register("broken", still_applies=broken)
    _queue(1, purpose="broken")
    assert outbox_deliver()["retrying"] == 1
    assert "LookupError" in Message.objects.get().last_error


def test_text_messages_go_through_the_sms_backend_with_their_message_id(db, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    sms_queue(to="+44 7700 900123", body="Hello", purpose="test", key="k")
    sms_queue(to="+44 7700 900123", body="Hello again", purpose="test", key="k")  # same phone
    outbox_deliver()
    texts = sms.read_file()
    row = Message.objects.get()
    assert [(t.to, t.body, t.message_id) for t in texts] == [
        ("+44 7700 900123", "Hello", row.message_id)
    ]
