"""Reminders go once, by the chosen channels, only to people still taking part.

Reminders are queued in the outbox; ``outbox_deliver`` sends what is queued
(in production the delivery task and the tick do that).
"""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone, translation

from kinfolk.outbox import sms
from kinfolk.outbox.models import Message
from kinfolk.outbox.services import outbox_deliver
from kinfolk.privacy.services import phone_for_delivery
from kinfolk.visits.models import ReminderSent
from kinfolk.visits.services.reminders import (
    Due,
    reminder_preference_set,
    reminders_queue,
    reminders_send,
)
from kinfolk.visits.services.times import time_propose
from kinfolk.visits.tests.conftest import at


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    return settings.SMS_FILE_PATH


def test_a_window_that_opens_reminds_both_sides_once(visit, mailoutbox):
    assert reminders_send()["window_open"] == 2
    outbox_deliver()
    assert sorted(m.to[0] for m in mailoutbox) == ["hana@example.org", "vera@example.org"]
    assert "Hana" in next(m.body for m in mailoutbox if m.to == ["vera@example.org"])
    assert reminders_send()["window_open"] == 0
    outbox_deliver()
    assert len(mailoutbox) == 2


def test_two_workers_at_once_queue_nothing_twice(visit, mailoutbox):
    due = [Due(visit, "window_open", "volunteer"), Due(visit, "window_open", "household")]
    first = reminders_queue(due)
    second = reminders_queue(due)  # a second worker that found the same reminders due
    assert first == {"window_open": 2} and second == {}
    outbox_deliver()
    assert len(mailoutbox) == 2


def test_a_send_that_fails_half_way_sends_each_reminder_exactly_once(visit, mailoutbox):
    reminders_send()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError
    ):
        assert outbox_deliver()["retrying"] == 2
    assert ReminderSent.objects.count() == 2  # claimed: the next tick queues nothing new
    reminders_send()
    outbox_deliver(now=timezone.now() + dt.timedelta(minutes=2))  # after the back-off
    assert sorted(m.to[0] for m in mailoutbox) == ["hana@example.org", "vera@example.org"]


def test_nothing_goes_to_someone_who_paused(visit, household, mailoutbox):
    household.state = "paused"
    household.save(update_fields=["state"])
    assert reminders_send()["window_open"] == 0
    outbox_deliver()
    assert mailoutbox == []


def test_the_state_is_checked_again_just_before_sending(visit, household, mailoutbox):
    reminders_queue([Due(visit, "window_open", "volunteer")])
    household.state = "left"  # left after the reminder was queued
    household.save(update_fields=["state"])
    assert outbox_deliver()["dropped"] == 1
    assert mailoutbox == [] and not ReminderSent.objects.exists()
    assert Message.objects.get().state == "dropped"


def test_a_reminder_dropped_while_paused_goes_once_they_resume(visit, household, mailoutbox):
    reminders_queue([Due(visit, "window_open", "volunteer")])
    household.state = "paused"
    household.save(update_fields=["state"])
    outbox_deliver()
    household.state = "active"
    household.save(update_fields=["state"])
    reminders_send()
    outbox_deliver()
    assert sorted(m.to[0] for m in mailoutbox) == ["hana@example.org", "vera@example.org"]


def test_reminders_follow_the_channels_the_person_chose(
    visit, volunteer_user, household_user, sms_file, mailoutbox
):
    reminder_preference_set(user=volunteer_user, email=False, sms=True)
    reminders_send()
    outbox_deliver()
    assert [m.to for m in mailoutbox] == [["hana@example.org"]]
    texts = sms.read_file(sms_file)
    assert len(texts) == 1 and texts[0].to == phone_for_delivery(visit.pairing.volunteer)
    assert "Hana" in texts[0].body


def test_a_proposed_time_is_told_to_the_other_side_at_once(
    visit, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    day = timezone.localdate() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(day))
    assert [m.to for m in mailoutbox] == [["hana@example.org"]]
    assert "Vera proposes" in mailoutbox[0].body
    assert reminders_send()["proposed"] == 0


def test_a_proposed_time_that_rolls_back_tells_nobody(visit, volunteer, mailoutbox):
    day = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(day))
        raise RuntimeError("the request failed after the proposal")
    assert not Message.objects.exists() and not ReminderSent.objects.exists()
    outbox_deliver()
    assert mailoutbox == []


def test_the_day_before_an_agreed_time_both_are_reminded(pairing, mailoutbox):
    from kinfolk.testing import make_visit

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    make_visit(pairing, state="agreed", agreed_at=at(tomorrow, 15), window_start=tomorrow)
    sent = reminders_send()
    assert sent["day_before"] == 2
    outbox_deliver()
    assert len(mailoutbox) == 2
    assert all("tomorrow" in m.subject for m in mailoutbox)


def test_reminders_are_written_in_the_recipients_language(visit, volunteer_user, mailoutbox):
    volunteer_user.language = "ar"
    volunteer_user.save(update_fields=["language"])
    with translation.override("en"):  # whoever runs the tick reads English
        reminders_send()
    outbox_deliver()
    mail = {m.to[0]: m for m in mailoutbox}
    arabic, english = mail["vera@example.org"], mail["hana@example.org"]
    assert arabic.subject == "حان وقت الاتفاق على زيارة مع Hana"
    assert "اتفقا على وقت معًا" in arabic.body and "Agree a time" not in arabic.body
    assert english.subject == "Time to agree a visit with Vera"


def test_the_console_backend_prints_text_messages(capsys):
    sms.ConsoleBackend().send([sms.TextMessage(to="+44 7700 900001", body="Hello")])
    assert "SMS to +44 7700 900001" in capsys.readouterr().out


def test_an_unknown_sms_backend_fails_loudly(settings):
    settings.SMS_BACKEND = "no.such.Backend"
    with pytest.raises(ImportError):
        sms.backend()
