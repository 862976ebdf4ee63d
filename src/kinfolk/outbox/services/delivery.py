"""Delivering queued messages: claim, check again, send, mark (see the package docstring).

Each batch is claimed with one conditional update (queued and due, or
claimed so long ago that its worker must have died), then every row is
checked again, sent on its own and marked sent at once, so that a crash
leaves at most the one message in flight unrecorded.  A database restart
is no crash: the process lives on, so once the database answers again it
records the message it had sent and gives back the rest of its claim.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from kinfolk.outbox import sms
from kinfolk.outbox.models import Message
from kinfolk.outbox.purposes import purpose_get
from kinfolk.ticks.reconnect import LOST, when_database_answers

logger = logging.getLogger(__name__)

#: A message that failed this many times stops as failed, for an operator to look at.
MAX_ATTEMPTS = 6
#: Seconds to wait after the 1st, 2nd, … failure (the last step repeats).
_BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)
BATCH = 100
#: While a batch is sent, what is left of it is checked again this often (seconds).
RECHECK_SECONDS = 1.0
State = Message.State


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait before the next try after ``attempts`` failed tries."""
    step = min(max(attempts, 1), len(_BACKOFF_SECONDS)) - 1
    return dt.timedelta(seconds=_BACKOFF_SECONDS[step])


def _claim_seconds() -> int:
    return int(getattr(settings, "OUTBOX_CLAIM_SECONDS", 600))


class _Clock:
    """``now`` as given (tests move it), advancing with real time while a call works."""

    def __init__(self, now: dt.datetime | None) -> None:
        self.start = now or timezone.now()
        self.began = time.monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.began)


def outbox_deliver(
    *, now: dt.datetime | None = None, batch_size: int = BATCH, max_batches: int | None = None
) -> dict[str, int]:
    """Send every message due now; returns how many were sent, dropped, retried and failed."""
    clock = _Clock(now)
    totals: Counter[str] = Counter()
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = _Batch()
        try:
            claimed = _claim(batch.token, clock(), batch_size)
            if not claimed:
                break
            totals.update(_deliver(batch, claimed, clock))
        except LOST:
            # The database restarted under us: stop, and once it answers again record
            # what was sent and give the rest back, so the next run sends it at once.
            _let_go(batch, clock())
            raise
        batches += 1
    return {key: totals[key] for key in ("sent", "dropped", "retrying", "failed")}


class _Batch:
    """This call's claim token, and the message a server accepted that is not yet marked sent."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex
        self.accepted: int | None = None


def _let_go(batch: _Batch, now: dt.datetime) -> None:
    """After a lost connection: mark the accepted message sent and unclaim the others.

    The unclaimed rows were never tried, so their claim does not count as an
    attempt.  If the database stays away longer than the wait, the claim lapses
    after ``OUTBOX_CLAIM_SECONDS`` as if this worker had died.
    """

    def write() -> None:
        if batch.accepted is not None:
            Message.objects.filter(pk=batch.accepted, claim=batch.token).update(
                state=State.SENT, sent_at=now, claim=""
            )
        Message.objects.filter(claim=batch.token, state=State.SENDING).update(
            state=State.QUEUED, claim="", attempts=F("attempts") - 1
        )

    try:
        when_database_answers(write)
    except LOST:
        logger.exception("the outbox could not give back its claim %s", batch.token)


def _due(now: dt.datetime) -> Q:
    stale = now - dt.timedelta(seconds=_claim_seconds())
    return Q(state=State.QUEUED, next_attempt_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lt=stale
    )


def _claim(token: str, now: dt.datetime, size: int) -> list[Message]:
    """Claim up to ``size`` due rows; only those this update changed are this call's."""
    ids = list(
        Message.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:size]
    )
    if not ids:
        return []
    # The condition is checked again by the update itself: of two workers that
    # picked the same ids, the second changes nothing.
    Message.objects.filter(_due(now), pk__in=ids).update(
        state=State.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
    )
    mine = Message.objects.filter(claim=token, state=State.SENDING).select_related("user")
    return list(mine.order_by("pk"))


def _deliver(batch: _Batch, messages: list[Message], clock: _Clock) -> Counter[str]:
    token = batch.token
    counts: Counter[str] = Counter()
    keep, broken = _still_apply(messages)
    for message, error in broken:
        counts[_failed(token, message, error, clock())] += 1
    failed = {m.pk for m, _error in broken}
    dropped = [m for m in messages if m.pk not in keep and m.pk not in failed]
    _drop(token, dropped)
    counts["dropped"] += len(dropped)
    lease = _Lease(token, clock)
    fresh = _Freshness()
    with _Senders() as senders:
        for n, message in enumerate(messages):
            if message.pk not in keep or not lease.holds(message.pk):
                continue
            if fresh.gone(message, messages[n:]):
                _drop(token, [message])
                counts["dropped"] += 1
                continue
            try:
                senders.send(message)
            except Exception as error:  # any backend failure is retried, never fatal
                counts[_failed(token, message, error, clock())] += 1
                senders.reset()
                continue
            batch.accepted = message.pk
            Message.objects.filter(pk=message.pk, claim=token).update(
                state=State.SENT, sent_at=clock(), claim=""
            )
            batch.accepted = None
            counts["sent"] += 1
    return counts


class _Lease:
    """Keeps a batch's claim fresh, so no other worker takes over rows still being sent."""

    def __init__(self, token: str, clock: _Clock) -> None:
        self.token, self.clock = token, clock
        self.renewed = time.monotonic()
        self.every = _claim_seconds() / 3
        self.ours: set[int] | None = None

    def holds(self, pk: int) -> bool:
        if time.monotonic() - self.renewed >= self.every:
            Message.objects.filter(claim=self.token, state=State.SENDING).update(
                claimed_at=self.clock()
            )
            self.ours = set(
                Message.objects.filter(claim=self.token, state=State.SENDING).values_list(
                    "pk", flat=True
                )
            )
            self.renewed = time.monotonic()
        return self.ours is None or pk in self.ours


class _Senders:
    """One e-mail connection per batch, opened only if the batch holds an e-mail."""

    def __init__(self) -> None:
        self.mail: Any = None

    def __enter__(self) -> _Senders:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.reset()

    def reset(self) -> None:
        # After a failure the connection may be broken: the next message opens a new one.
        if self.mail is not None:
            try:
                self.mail.close()
            except Exception:
                logger.warning("closing the e-mail connection failed", exc_info=True)
            self.mail = None

    def send(self, message: Message) -> None:
        if message.channel == Message.Channel.SMS:
            text = sms.TextMessage(to=message.to, body=message.body, message_id=message.message_id)
            accepted = sms.backend().send([text])
        else:
            if self.mail is None:
                self.mail = get_connection(fail_silently=False)
            email = EmailMessage(
                message.subject,
                message.body,
                None,
                [message.to],
                headers={"Message-ID": message.message_id},
                connection=self.mail,
            )
            accepted = self.mail.send_messages([email])
        if accepted != 1:
            raise RuntimeError("the backend accepted nothing")


def _still_apply(messages: Sequence[Message]) -> tuple[set[int], list[tuple[Message, Exception]]]:
    """Ids of the messages that still apply, and any whose purpose check failed."""
    keep = {m.pk for m in messages if m.user_id is None or (m.user and m.user.is_active)}
    gone = _people_who_left(messages)
    keep -= {m.pk for m in messages if (m.person_kind, m.person_id) in gone}
    by_purpose: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        if message.pk in keep:
            by_purpose[message.purpose].append(message)
    broken: list[tuple[Message, Exception]] = []
    for name, group in by_purpose.items():
        check = purpose_get(name).still_applies
        if check is None:
            continue
        try:
            keep -= {m.pk for m in group} - check(group)
        except Exception as error:
            logger.exception("the check of %s messages failed", name)
            keep -= {m.pk for m in group}
            broken += [(m, error) for m in group]
    return keep, broken


class _Freshness:
    """Checks the batch again while it is sent, so a withdrawal a moment ago stops what is left.

    The whole batch was checked when it was claimed; sending takes time (a
    mail server answers in its own time), so the messages not yet sent are
    checked again in one query whenever ``RECHECK_SECONDS`` have passed.
    """

    def __init__(self) -> None:
        self.checked = time.monotonic()
        self.out: set[int] = set()

    def gone(self, message: Message, remaining: Sequence[Message]) -> bool:
        if time.monotonic() - self.checked >= RECHECK_SECONDS:
            self.out = _no_longer_taking_part(remaining)
            self.checked = time.monotonic()
        return message.pk in self.out


def _no_longer_taking_part(messages: Sequence[Message]) -> set[int]:
    """Ids of the messages whose account was closed or whose person left (or was erased)."""
    user_ids = {m.user_id for m in messages if m.user_id is not None}
    active = set(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", flat=True)
    )
    gone = _people_who_left(messages)
    return {
        m.pk
        for m in messages
        if (m.user_id is not None and m.user_id not in active)
        or (m.person_kind, m.person_id) in gone
    }


def _people_who_left(messages: Sequence[Message]) -> set[tuple[str, int | None]]:
    ids: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        if message.person_kind and message.person_id is not None:
            ids[message.person_kind].add(message.person_id)
    gone: set[tuple[str, int | None]] = set()
    for kind, pks in ids.items():
        model = apps.get_model("people", kind)
        left = model.objects.filter(pk__in=pks, state="left").values_list("pk", flat=True)
        gone |= {(kind, pk) for pk in left}
    return gone


def _drop(token: str, messages: Sequence[Message]) -> None:
    """Mark them dropped and free their keys: the notice may be queued again if it applies again."""
    if not messages:
        return
    for message in messages:
        Message.objects.filter(pk=message.pk, claim=token).update(
            state=State.DROPPED,
            claim="",
            dedupe_key=f"{message.dedupe_key[:170]}~dropped~{message.pk}",
        )
    by_purpose: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        by_purpose[message.purpose].append(message)
    for name, group in by_purpose.items():
        hook = purpose_get(name).dropped
        if hook is not None:
            hook(group)


def _failed(token: str, message: Message, error: BaseException, now: dt.datetime) -> str:
    """Back off and try again later, or stop as failed after ``MAX_ATTEMPTS``."""
    text = _error_text(error, message.to)
    logger.warning(
        "outbox message %s (%s) failed, attempt %s: %s",
        message.pk,
        message.purpose,
        message.attempts,
        text,
    )
    if message.attempts >= MAX_ATTEMPTS:
        fields: dict[str, Any] = {"state": State.FAILED}
        outcome = "failed"
    else:
        fields = {"state": State.QUEUED, "next_attempt_at": now + backoff(message.attempts)}
        outcome = "retrying"
    Message.objects.filter(pk=message.pk, claim=token).update(claim="", last_error=text, **fields)
    return outcome


def _error_text(error: BaseException, address: str) -> str:
    # A backend's error may quote the address; operators see the error, not the address.
    text = f"{type(error).__name__}: {error}"
    if address:
        text = text.replace(address, "<recipient>")
    return text[:300]
