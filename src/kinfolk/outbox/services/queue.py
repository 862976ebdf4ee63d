"""Queueing messages: rows inserted in the caller's transaction, delivered once it commits.

Call these inside the transaction of the change a message announces.  If
that transaction rolls back, the rows go with it and nobody is told; once
it commits, a delivery task is enqueued (one per transaction), and the
periodic tick catches up on anything that task misses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kinfolk.outbox.models import Message

logger = logging.getLogger(__name__)

#: Sent and dropped rows are deleted this many days later: they hold addresses and words.
KEEP_DAYS = 90


def email_new(
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    key: str,
    language: str = "",
    user: Any = None,
    person: Any = None,
    about: tuple[str, int] | None = None,
    context: dict[str, Any] | None = None,
) -> Message:
    """An unsaved e-mail row; ``key`` names the event, so it is queued once per recipient."""
    recipient = f"user{user.pk}" if user is not None else _hashed(to)
    return _new(
        Message.Channel.EMAIL,
        to=to,
        subject=subject,
        body=body,
        purpose=purpose,
        dedupe_key=_dedupe_key(purpose, key, Message.Channel.EMAIL, recipient),
        language=language,
        user=user,
        person=person,
        about=about,
        context=context,
    )


def sms_new(
    *,
    to: str,
    body: str,
    purpose: str,
    key: str,
    language: str = "",
    user: Any = None,
    person: Any = None,
    about: tuple[str, int] | None = None,
    context: dict[str, Any] | None = None,
) -> Message:
    """An unsaved text-message row; one per phone number and event, however many read it."""
    return _new(
        Message.Channel.SMS,
        to=to,
        subject="",
        body=body,
        purpose=purpose,
        dedupe_key=_dedupe_key(purpose, key, Message.Channel.SMS, _hashed(to)),
        language=language,
        user=user,
        person=person,
        about=about,
        context=context,
    )


def _new(channel: str, *, person: Any, about: tuple[str, int] | None, **fields: Any) -> Message:
    if not str(fields["to"]).strip():
        raise ValueError("a message needs an address or a phone number")
    fields["context"] = fields["context"] or {}
    about_kind, about_id = about or ("", None)
    return Message(
        channel=channel,
        about_kind=about_kind,
        about_id=about_id,
        person_kind=person.side if person is not None else "",
        person_id=person.pk if person is not None else None,
        **fields,
    )


def _hashed(address: str) -> str:
    # Keys are read in logs and on the health page: they carry no address or number.
    return "to" + hashlib.sha256(address.strip().lower().encode()).hexdigest()[:24]


def _dedupe_key(purpose: str, key: str, channel: str, recipient: str) -> str:
    raw = f"{purpose}/{key}/{channel}:{recipient}"
    if len(raw) <= 200:
        return raw
    return raw[:150] + "#" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def messages_queue(
    messages: Iterable[Message], *, batch_size: int = 2000, deliver: bool = True
) -> None:
    """Insert the rows (a key queued before is skipped); they go once the transaction commits.

    A caller queueing many batches in one transaction passes ``deliver=False``
    for all but one, so that one delivery task is enqueued, not one per batch.
    """
    rows = list(messages)
    if rows:
        Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=batch_size)
    if deliver and rows:
        delivery_on_commit()


def email_queue(**fields: Any) -> None:
    """Queue one e-mail (the arguments of :func:`email_new`)."""
    messages_queue([email_new(**fields)])


def sms_queue(**fields: Any) -> None:
    """Queue one text message (the arguments of :func:`sms_new`)."""
    messages_queue([sms_new(**fields)])


def delivery_on_commit() -> None:
    """Enqueue a delivery task once the current transaction commits.

    robust: a task queue that is down must not undo the change; the tick
    delivers instead.  A task that finds nothing due sends nothing, so one
    too many costs a query.
    """
    transaction.on_commit(_delivery_enqueue, robust=True)


def _delivery_enqueue() -> None:
    from kinfolk.outbox.tasks import outbox_deliver_task

    outbox_deliver_task.enqueue()


def message_retry(*, message: Message) -> Message:
    """An operator sends a failed message again: it is queued afresh, with a clean count."""
    done = Message.objects.filter(pk=message.pk, state=Message.State.FAILED).update(
        state=Message.State.QUEUED, attempts=0, next_attempt_at=timezone.now(), claim=""
    )
    if done:
        delivery_on_commit()
    message.refresh_from_db()
    return message


def messages_purge(*, now: dt.datetime | None = None, keep_days: int | None = None) -> int:
    """Delete finished rows older than ``KEEP_DAYS``; returns how many."""
    now = now or timezone.now()
    days = keep_days if keep_days is not None else getattr(settings, "OUTBOX_KEEP_DAYS", KEEP_DAYS)
    finished = (Message.State.SENT, Message.State.DROPPED, Message.State.FAILED)
    old = Message.objects.filter(state__in=finished, created_at__lt=now - dt.timedelta(days=days))
    deleted, _kinds = old.delete()
    return deleted
