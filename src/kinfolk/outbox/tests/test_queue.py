"""Queueing: rows live and die with the caller's transaction; one delivery task per commit."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import (
    email_new,
    email_queue,
    messages_purge,
    messages_queue,
    sms_queue,
)


def _hello(key: str = "k", to: str = "a@example.org") -> None:
    email_queue(to=to, subject="Hello", body="Hi", purpose="test", key=key)


def test_a_message_goes_once_its_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _hello()
        assert mail.outbox == []  # not before the commit
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert Message.objects.get().state == "sent"


def test_a_change_that_rolls_back_tells_nobody(db, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _hello()
        raise RuntimeError("the change failed")
    assert not Message.objects.exists() and mail.outbox == []


def test_a_task_queue_that_is_down_does_not_undo_the_change(db, django_capture_on_commit_callbacks):
    with (
        mock.patch("kinfolk.outbox.tasks.outbox_deliver_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        task.enqueue.side_effect = ConnectionError("the task queue is down")
        _hello()
    # The row stays queued for the tick to deliver.
    assert Message.objects.get().state == "queued"


def test_a_message_needs_an_address(db):
    with pytest.raises(ValueError, match="address or a phone"):
        sms_queue(to=" ", body="Hi", purpose="test", key="k")
    assert not Message.objects.exists()


def test_old_finished_messages_are_purged_and_queued_ones_kept(db):
    import datetime as dt

    from django.utils import timezone

    _hello(key="old-sent")
    _hello(key="old-queued", to="b@example.org")
    _hello(key="new-sent", to="c@example.org")
    long_ago = timezone.now() - dt.timedelta(days=100)
    Message.objects.exclude(dedupe_key__contains="new").update(created_at=long_ago)
    Message.objects.exclude(dedupe_key__contains="queued").update(state="sent")
    assert messages_purge() == 1
    assert sorted(Message.objects.values_list("state", flat=True)) == ["queued", "sent"]


def test_a_long_queue_goes_out_in_several_tasks_that_make_way_for_others(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks.signals import task_enqueued

    from kinfolk.outbox import tasks

    monkeypatch.setattr(tasks, "BATCHES_PER_TASK", 1)
    enqueued = []

    def count(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(count)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            messages_queue(
                [
                    email_new(to=f"r{n}@example.org", subject="s", body="b", purpose="t", key="k")
                    for n in range(250)
                ]
            )
    finally:
        task_enqueued.disconnect(count)
    assert Message.objects.filter(state="sent").count() == len(mail.outbox) == 250
    assert enqueued == ["outbox_deliver_task"] * 3  # 100, 100, then the last 50
