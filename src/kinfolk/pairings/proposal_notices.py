"""The notices of a run's proposals, written by the database in a few statements.

A run of 100,000 pairs must send within a click, and its notices must be
written in the transaction that makes the proposals (the outbox's rule).
Composing 200,000 e-mails one by one in Python took most of a minute, so
each language's subject and body are split at their placeholders and joined
again in SQL with the partner's first name, the answer date and the
reader's link: one INSERT ... SELECT per side and language.  The few people
with no e-mail reader go through ``notify.messages_for`` (a text message if
they have a phone).  The tests check that both ways write the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kinfolk.outbox.models import Message, message_id_domain
from kinfolk.outbox.services import delivery_on_commit, messages_queue
from kinfolk.pairings import notify
from kinfolk.pairings.models import Proposal
from kinfolk.people.models import Household, HouseholdMember, Volunteer
from kinfolk.privacy.services import phone_for_delivery
from kinfolk.programmes.models import Programme

SUBJECT = gettext_noop("A proposal: meet %(name)s")
BODY = gettext_noop(
    "We would like to introduce you to %(name)s. See who they are and answer here, by "
    "%(date)s:\n\n%(link)s\n\nYes and no are both fine answers; no needs no reason."
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
_SENTINEL = "987654321"
_TEXT = "CAST(%s AS TEXT)"  # a literal part, passed as a parameter


@dataclass(frozen=True)
class Reach:
    """How the people of a send are told, each counted once however many adults read for them."""

    pairs: int
    by_email: int
    by_sms: int
    unreachable: int


def proposal_message(person: Volunteer | Household, proposal: Proposal) -> tuple[str, str]:
    """(subject, body) of one proposal's notice to one side, in the active language."""
    partner = proposal.household if isinstance(person, Volunteer) else proposal.volunteer
    body = _(BODY) % {
        "name": partner.first_name,
        "date": _answer_date(proposal.answer_by, person.programme),
        "link": notify.home_link(person),
    }
    return _(SUBJECT) % {"name": partner.first_name}, body


def proposal_notices_queue(*, run_id: int) -> Reach:
    """Queue a notice to both sides of each open proposal of the run, in the caller's transaction.

    By e-mail to each adult who reads for a person, else by SMS to the
    person's phone.  Each notice is queued once per recipient, however often
    this is called.  Returns the proposals and the people by channel.
    """
    now = timezone.now()
    programme = Programme.objects.filter(runs__pk=run_id).first()
    for side in ("volunteer", "household"):
        for language in _reader_languages(run_id, side):
            for day in _deadline_days(run_id, programme) if programme else ():
                _emails_insert(run_id, side, language, now, (day, programme))
    texted, unreachable = _readerless_queue(run_id)
    delivery_on_commit()  # one delivery task for the whole run
    pairs = Proposal.objects.filter(run_id=run_id, state=Proposal.State.OPEN).count()
    return Reach(pairs, 2 * pairs - texted - unreachable, texted, unreachable)


def _reader_languages(run_id: int, side: str) -> list[str]:
    """The languages the side's e-mail readers read in, for the run's open proposals."""
    via = "volunteer_roles" if side == "volunteer" else "household_roles__household"
    users = get_user_model().objects.filter(
        is_active=True,
        **{f"{via}__proposals__run_id": run_id, f"{via}__proposals__state": "open"},
    )
    readers = users.exclude(email="").exclude(email=None)  # phone-only accounts read no e-mail
    return sorted(set(readers.values_list("language", flat=True)))


def _answer_date(answer_by: dt.datetime, programme: Programme) -> str:
    """The last day to answer, in the programme's time zone and the reader's date format."""
    return formats.date_format(timezone.localdate(answer_by, programme.zone), "DATE_FORMAT")


def _deadline_days(run_id: int, programme: Programme) -> list[dt.date]:
    """The last days to answer of the run's open proposals: one for a send, in practice."""
    deadlines = Proposal.objects.filter(run_id=run_id, state=Proposal.State.OPEN).values_list(
        "answer_by", flat=True
    )
    return sorted({timezone.localdate(a, programme.zone) for a in deadlines.distinct().order_by()})


def _day_bounds(day: dt.date, programme: Programme) -> list[Any]:
    """The day's start and the next day's start, as the database compares them."""
    start = dt.datetime.combine(day, dt.time(), programme.zone)
    return [
        connection.ops.adapt_datetimefield_value(t) for t in (start, start + dt.timedelta(days=1))
    ]


def _emails_insert(
    run_id: int,
    side: str,
    language: str,
    now: dt.datetime,
    deadline: tuple[dt.date, Programme],
) -> None:
    """One INSERT ... SELECT: notices to one side's readers in one language, for one deadline."""
    day, programme = deadline
    with translation.override(language or settings.LANGUAGE_CODE):
        subject_template, body_template = _(SUBJECT), _(BODY)
        date_words = formats.date_format(day, "DATE_FORMAT")
    route = "people:volunteer_home" if side == "volunteer" else "people:household_home"
    link = settings.SITE_URL + reverse(route, args=[_SENTINEL])
    own, other = ("v", "h") if side == "volunteer" else ("h", "v")
    values = {
        "name": (f"{other}.first_name", []),
        "date": (_TEXT, [date_words]),
        "link": (f"{_TEXT} || CAST({own}.id AS TEXT) || {_TEXT}", link.split(_SENTINEL)),
    }
    subject_sql, subject_params = _joined(subject_template, values)
    body_sql, body_params = _joined(body_template, values)
    moment = connection.ops.adapt_datetimefield_value(now)
    params = [*subject_params, *body_params, f".outbox@{message_id_domain()}>", moment, moment]
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(side, subject_sql, body_sql),
            [*params, run_id, *_day_bounds(day, programme), True, language],
        )


def _joined(template: str, values: dict[str, tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """SQL that joins the template's literal parts (parameters) and the values' expressions."""
    parts: list[str] = []
    params: list[str] = []
    literal, position = "", 0
    for match in _PLACEHOLDER.finditer(template):
        literal += template[position : match.start()]
        position = match.end()
        if match.group(0) == "%%":
            literal += "%"
            continue
        expression, expression_params = values[match.group(1)]
        parts += [_TEXT, expression]
        params += [literal, *expression_params]
        literal = ""
    parts.append(_TEXT)
    params.append(literal + template[position:])
    return " || ".join(parts), params


def _insert_sql(side: str, subject_sql: str, body_sql: str) -> str:
    table = {
        m.__name__: m._meta.db_table
        for m in (Message, Proposal, Volunteer, Household, HouseholdMember, get_user_model())
    }
    to = connection.ops.quote_name("to")
    if side == "volunteer":
        readers = f"JOIN {table['User']} u ON u.id = v.user_id"
    else:
        readers = (
            f"JOIN {table['HouseholdMember']} m ON m.household_id = h.id "
            f"JOIN {table['User']} u ON u.id = m.user_id"
        )
    random_hex = (
        "replace(CAST(gen_random_uuid() AS TEXT), '-', '')"
        if connection.vendor == "postgresql"
        else "lower(hex(randomblob(16)))"
    )
    own = "v" if side == "volunteer" else "h"
    # The dedupe key is the one ``outbox.services.email_new`` makes for this notice.
    return f"""
        INSERT INTO {table["Message"]} (channel, {to}, subject, body, language, purpose,
            about_kind, about_id, context, dedupe_key, user_id, person_kind, person_id,
            message_id, state, claim, claimed_at, attempts, next_attempt_at, sent_at,
            last_error, created_at)
        SELECT 'email', u.email, {subject_sql}, {body_sql}, u.language, 'proposal',
            'proposal', p.id, '{{}}',
            'proposal/proposal:' || CAST(p.id AS TEXT) || '/email:user' || CAST(u.id AS TEXT),
            u.id, '{side}', {own}.id, '<' || {random_hex} || {_TEXT}, 'queued', '', NULL, 0,
            %s, NULL, '', %s
        FROM {table["Proposal"]} p
        JOIN {table["Volunteer"]} v ON v.id = p.volunteer_id
        JOIN {table["Household"]} h ON h.id = p.household_id
        {readers}
        WHERE p.run_id = %s AND p.answer_by >= %s AND p.answer_by < %s AND p.state = 'open'
          AND u.is_active = %s
          AND u.email <> ''
          AND u.language = %s
        ON CONFLICT DO NOTHING
    """


def _readerless(run_id: int, side: str) -> QuerySet[Proposal]:
    """The run's open proposals whose person on this side has no e-mail reader."""
    proposals = Proposal.objects.filter(run_id=run_id, state=Proposal.State.OPEN)
    if side == "volunteer":
        lonely = proposals.exclude(volunteer__user__is_active=True, volunteer__user__email__gt="")
    else:
        reads = HouseholdMember.objects.filter(
            household_id=OuterRef("household_id"), user__is_active=True, user__email__gt=""
        )
        lonely = proposals.exclude(Exists(reads))
    return lonely.select_related("volunteer", "household").order_by("pk")


def _readerless_queue(run_id: int) -> tuple[int, int]:
    """Text the people with no e-mail reader who have a phone; returns (texted, unreachable)."""
    texted = unreachable = 0
    rows: list[Message] = []
    for side in ("volunteer", "household"):
        for proposal in _readerless(run_id, side):
            person: Any = getattr(proposal, side)
            told = notify.messages_for(
                person,
                lambda p=person, pr=proposal: proposal_message(p, pr),
                purpose="proposal",
                key=f"proposal:{proposal.pk}",
                about=("proposal", proposal.pk),
                phone=phone_for_delivery(person),
            )
            texted += bool(told)
            unreachable += not told
            rows += told
    messages_queue(rows, deliver=False)
    return texted, unreachable
