"""Visit reminders by e-mail and SMS: a window opens, a time is proposed to you, tomorrow.

Every reminder is *claimed* before it is sent: an insert into
``ReminderSent``, whose unique key (visit, kind, recipient, ref) only one
worker can win.  So a tick run twice, or on two workers at once, sends
nothing twice, and a tick that crashes half-way leaves its claimed rows
behind and sends each of them at most once.  Just before sending, each
reminder re-reads the pairing's, the people's and the visit's state:
nothing goes to someone who paused or left.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import HouseholdMember
from kinfolk.privacy.services import phones_for_delivery
from kinfolk.programmes.models import Programme
from kinfolk.visits import sms
from kinfolk.visits.models import ReminderPreference, ReminderSent, TimeProposal, Visit
from kinfolk.visits.services._common import other_side, today_in, zone
from kinfolk.visits.wording import local_time_words, place_words, window_words

Kind = ReminderSent.Kind
_BATCH = 2000
_RELATED = ("pairing__programme", "pairing__volunteer__user", "pairing__household")


@dataclass(frozen=True)
class Due:
    """One reminder due to one side of a visit."""

    visit: Visit
    kind: str
    side: str
    ref: str = ""
    time: TimeProposal | None = None


@dataclass(frozen=True)
class _Reader:
    user_id: int
    email: str
    language: str
    phone: str
    by_email: bool
    by_sms: bool


def reminder_preference_set(*, user: Any, email: bool, sms: bool) -> ReminderPreference:
    """Store the channels the person chose for reminders."""
    preference, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms}
    )
    return preference


def reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every reminder due now, each at most once; returns how many went, by kind."""
    now = now or timezone.now()
    sent = {kind: 0 for kind in Kind.values}
    for programme in Programme.objects.filter(pairings__state="active").distinct():
        for batch in _batches(_due(programme, now)):
            for kind, n in deliver(batch, now=now).items():
                sent[kind] += n
    return sent


def reminders_for_time(*, time_id: int) -> int:
    """Tell the other side at once that a time was proposed (the tick catches any miss)."""
    time = TimeProposal.objects.select_related(*(f"visit__{r}" for r in _RELATED)).get(pk=time_id)
    due = Due(time.visit, Kind.PROPOSED, other_side(time.proposed_by), str(time.pk), time)
    return sum(deliver([due]).values())


def _live(qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    return qs.filter(
        **{
            f"{prefix}pairing__state": Pairing.State.ACTIVE,
            f"{prefix}pairing__volunteer__state": "active",
            f"{prefix}pairing__household__state": "active",
        }
    )


def _due(programme: Programme, now: dt.datetime) -> Iterator[Due]:
    today = today_in(programme, now)
    visits = _live(Visit.objects.filter(pairing__programme=programme)).select_related(*_RELATED)
    claimed = ReminderSent.objects.filter(visit=OuterRef("pk"), kind=Kind.WINDOW_OPEN)
    opening = visits.filter(
        state=Visit.State.PLANNED, window_start__lte=today, window_end__gte=today
    ).exclude(Exists(claimed))
    for visit in opening.iterator(chunk_size=_BATCH):
        for side in ("volunteer", "household"):
            yield Due(visit, Kind.WINDOW_OPEN, side)
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), zone(programme))
    agreed = visits.filter(
        state=Visit.State.AGREED,
        agreed_at__gte=tomorrow,
        agreed_at__lt=tomorrow + dt.timedelta(days=1),
    )
    for visit in agreed.iterator(chunk_size=_BATCH):
        for side in ("volunteer", "household"):
            yield Due(visit, Kind.DAY_BEFORE, side, visit.agreed_at.isoformat())
    times = _live(
        TimeProposal.objects.filter(
            visit__pairing__programme=programme,
            state=TimeProposal.State.OPEN,
            visit__state__in=(Visit.State.PLANNED, Visit.State.AGREED),
        ),
        "visit__",
    ).select_related(*(f"visit__{r}" for r in _RELATED))
    for time in times.iterator(chunk_size=_BATCH):
        yield Due(time.visit, Kind.PROPOSED, other_side(time.proposed_by), str(time.pk), time)


def _batches(items: Iterable[Due]) -> Iterator[list[Due]]:
    batch: list[Due] = []
    for item in items:
        batch.append(item)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def deliver(batch: list[Due], *, now: dt.datetime | None = None) -> dict[str, int]:
    """Claim, re-check, send and mark one batch of reminders; returns how many went, by kind."""
    now = now or timezone.now()
    readers = _readers(batch)
    token, ours = _claim(batch, readers, now)
    still = _still_due(batch)
    mails: list[EmailMessage] = []
    texts: list[sms.TextMessage] = []
    counts: dict[str, int] = defaultdict(int)
    dropped = []
    for d in batch:
        for r in readers[(d.visit.pk, d.side)]:
            key = (d.visit.pk, d.kind, r.user_id, d.ref)
            if key not in ours:
                continue  # another worker, or an earlier run, has it
            if d not in still:
                dropped.append(key)
                continue
            mail, text = _compose(d, r)
            mails += [mail] if mail else []
            texts += [text] if text else []
            counts[d.kind] += 1
    _forget(dropped)
    _send(mails, texts)
    ReminderSent.objects.filter(claim=token, sent_at__isnull=True).update(sent_at=timezone.now())
    return dict(counts)


def _claim(
    batch: list[Due], readers: dict[tuple[int, str], list[_Reader]], now: dt.datetime
) -> tuple[str, set[tuple[int, str, int, str]]]:
    """Insert a claim per (reminder, reader); only the rows this call inserted are its own."""
    token = uuid.uuid4().hex
    rows = [
        ReminderSent(
            visit_id=d.visit.pk,
            kind=d.kind,
            recipient_id=r.user_id,
            ref=d.ref,
            claim=token,
            claimed_at=now,
        )
        for d in batch
        for r in readers[(d.visit.pk, d.side)]
    ]
    ReminderSent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    ours = ReminderSent.objects.filter(claim=token).values_list(
        "visit_id", "kind", "recipient_id", "ref"
    )
    return token, set(ours)


def _send(mails: list[EmailMessage], texts: list[sms.TextMessage]) -> None:
    if mails:
        get_connection(fail_silently=False).send_messages(mails)
    if texts:
        sms.backend().send(_one_per_phone(texts))


def _readers(batch: list[Due]) -> dict[tuple[int, str], list[_Reader]]:
    """Who reads each side's mail, with their language and chosen channels."""
    households = {d.visit.pairing.household_id for d in batch}
    members: dict[int, list[Any]] = defaultdict(list)
    for m in HouseholdMember.objects.filter(household_id__in=households).select_related("user"):
        members[m.household_id].append(m.user)
    users = {d.visit.pairing.volunteer.user_id for d in batch} | {
        u.pk for us in members.values() for u in us
    }
    chosen = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=users)}
    phones = phones_for_delivery(people=[getattr(d.visit.pairing, d.side) for d in batch])
    found: dict[tuple[int, str], list[_Reader]] = {}
    for d in batch:
        pairing = d.visit.pairing
        person = getattr(pairing, d.side)
        phone = phones[(d.side, person.pk)]
        people = [pairing.volunteer.user] if d.side == "volunteer" else members[person.pk]
        found[(d.visit.pk, d.side)] = [
            _reader(user, phone, chosen.get(user.pk)) for user in people if user and user.is_active
        ]
    return found


def _reader(user: Any, phone: str, chosen: ReminderPreference | None) -> _Reader:
    return _Reader(
        user_id=user.pk,
        email=user.email,
        language=user.language or settings.LANGUAGE_CODE,
        phone=phone,
        by_email=chosen.email if chosen else True,
        by_sms=bool(chosen and chosen.sms and phone),
    )


def _still_due(batch: list[Due]) -> set[Due]:
    """Re-read the states just before sending: only reminders that still apply go."""
    pairing_ids = {d.visit.pairing_id for d in batch}
    live = set(
        Pairing.objects.filter(
            pk__in=pairing_ids,
            state=Pairing.State.ACTIVE,
            volunteer__state="active",
            household__state="active",
        ).values_list("pk", flat=True)
    )
    visits = dict(
        Visit.objects.filter(pk__in={d.visit.pk for d in batch}).values_list("pk", "state")
    )
    agreed = dict(
        Visit.objects.filter(pk__in={d.visit.pk for d in batch}).values_list("pk", "agreed_at")
    )
    open_times = set(
        TimeProposal.objects.filter(
            pk__in={d.time.pk for d in batch if d.time}, state=TimeProposal.State.OPEN
        ).values_list("pk", flat=True)
    )
    still = set()
    for d in batch:
        state = visits.get(d.visit.pk)
        if d.visit.pairing_id not in live:
            continue
        if d.kind == Kind.WINDOW_OPEN and state != Visit.State.PLANNED:
            continue
        if d.kind == Kind.PROPOSED and (d.time is None or d.time.pk not in open_times):
            continue
        if d.kind == Kind.DAY_BEFORE and (
            state != Visit.State.AGREED or agreed[d.visit.pk].isoformat() != d.ref
        ):
            continue
        still.add(d)
    return still


def _forget(keys: list[tuple[int, str, int, str]]) -> None:
    # Nothing was sent for these, so a later tick may send them if they apply again.
    for visit_id, kind, recipient_id, ref in keys:
        ReminderSent.objects.filter(
            visit_id=visit_id, kind=kind, recipient_id=recipient_id, ref=ref
        ).delete()


def _compose(d: Due, r: _Reader) -> tuple[EmailMessage | None, sms.TextMessage | None]:
    with translation.override(r.language):
        subject, body = _words(d)
        link = settings.SITE_URL + reverse(
            "visits:visit_detail", args=[d.side, _person_id(d), d.visit.pk]
        )
    mail = EmailMessage(subject, f"{body}\n\n{link}", None, [r.email]) if r.by_email else None
    text = sms.TextMessage(to=r.phone, body=f"{body} {link}") if r.by_sms else None
    return mail, text


def _person_id(d: Due) -> int:
    return d.visit.pairing.volunteer_id if d.side == "volunteer" else d.visit.pairing.household_id


def _partner_name(d: Due) -> str:
    pairing = d.visit.pairing
    return pairing.household.first_name if d.side == "volunteer" else pairing.volunteer.first_name


def _words(d: Due) -> tuple[str, str]:
    names = {"name": _partner_name(d), "place": place_words(d.visit, d.side)}
    if d.kind == Kind.WINDOW_OPEN:
        body = _(
            "Your visit window with %(name)s is open: %(window)s, %(place)s. Agree a time together."
        ) % {**names, "window": window_words(d.visit)}
        return _("Time to agree a visit with %(name)s") % names, body
    if d.kind == Kind.PROPOSED:
        assert d.time is not None
        body = _(
            "%(name)s proposes %(time)s for your visit, %(place)s. "
            "You can accept, decline or suggest another time."
        ) % {**names, "time": local_time_words(d.visit, d.time.starts_at)}
        return _("%(name)s proposes a time for your visit") % names, body
    assert d.visit.agreed_at is not None
    body = _("Tomorrow: your visit with %(name)s at %(time)s, %(place)s.") % {
        **names,
        "time": local_time_words(d.visit, d.visit.agreed_at),
    }
    return _("Your visit with %(name)s is tomorrow") % names, body


def _one_per_phone(texts: list[sms.TextMessage]) -> list[sms.TextMessage]:
    # Two adults of one household share its phone: one text is enough.
    return list({(t.to, t.body): t for t in texts}.values())
