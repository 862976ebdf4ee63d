"""Writes of check expiry: validities, renewals, and the reminder 30 days before.

Errors are ``ValidationError`` keyed by the form field to correct, so a page
shows each message beside its field; a refused write stores nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from kinfolk.outbox.services import email_queue
from kinfolk.people.emails import site_link
from kinfolk.people.models import Volunteer, VolunteerCheck
from kinfolk.programmes.models import Programme
from kinfolk.vetting.models import CheckExpiry, CheckValidity
from kinfolk.vetting.selectors import reminders_due, validity_months

_BATCH = 2000


def expiry_from_validity(completed_on: dt.date, months: int | None) -> dt.date | None:
    """The last valid day of a check done on ``completed_on``, or None if it never expires."""
    if not months:
        return None
    return completed_on + relativedelta(months=months) - dt.timedelta(days=1)


@transaction.atomic
def check_validity_set(*, programme: Programme, months: dict[str, int | None]) -> None:
    """Store how long each kind of check stays valid and re-date the checks that follow it.

    A date a coordinator gave one check explicitly is kept.  ``None`` means the
    kind never expires.
    """
    unknown = set(months) - set(VolunteerCheck.Kind.values)
    if unknown:
        raise ValidationError(_("'%(kind)s' is not a kind of check.") % {"kind": min(unknown)})
    for kind, n in months.items():
        if n is not None and not 1 <= n <= 120:
            raise ValidationError(
                {kind: _("Give a number of months from 1 to 120, or leave it empty.")}
            )
    for kind, n in months.items():
        if n is None:
            CheckValidity.objects.filter(programme=programme, kind=kind).delete()
        else:
            CheckValidity.objects.update_or_create(
                programme=programme, kind=kind, defaults={"months": n}
            )
        _redate(programme, kind, n)


def _redate(programme: Programme, kind: str, months: int | None) -> None:
    checks = VolunteerCheck.objects.filter(volunteer__programme=programme, kind=kind)
    CheckExpiry.objects.filter(volunteer_check__in=checks, explicit=False).delete()
    if not months:
        return
    kept = CheckExpiry.objects.filter(volunteer_check__in=checks).values("volunteer_check_id")
    # Checks done on the same day expire on the same day: one date sum per day, and
    # rows inserted as plain tuples, so 110,000 checks need no model instances.
    until: dict[dt.date, Any] = {}
    adapt = connection.ops.adapt_datefield_value
    rows = []
    for pk, done in checks.exclude(pk__in=kept).values_list("pk", "completed_on").iterator():
        if done not in until:
            until[done] = adapt(expiry_from_validity(done, months))
        rows.append((pk, until[done], False))
    _rows_insert(rows)


#: Rows per INSERT: three parameters each, under SQLite's oldest limit of 999.
_ROWS_PER_INSERT = 300


def _rows_insert(rows: list[tuple[int, Any, bool]]) -> None:
    """Multi-row INSERTs: one round trip per few hundred rows, on SQLite and PostgreSQL."""
    table = CheckExpiry._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (volunteer_check_id, expires_on, explicit) VALUES {values}",
                [v for row in chunk for v in row],
            )


def checks_expiry_apply(*, volunteer: Volunteer) -> None:
    """Date the volunteer's checks that have no date yet from the programme's validities.

    Called in the transaction that records the checks (approval).
    """
    months = validity_months(programme=volunteer.programme)
    for check in volunteer.checks.filter(expiry__isnull=True, kind__in=months):
        day = expiry_from_validity(check.completed_on, months[check.kind])
        CheckExpiry.objects.create(volunteer_check=check, expires_on=day)


@transaction.atomic
def check_renew(
    *,
    volunteer: Volunteer,
    kind: str,
    completed_on: dt.date,
    expires_on: dt.date | None = None,
    recorded_by: Any,
) -> VolunteerCheck:
    """Record a check done again (or for the first time), valid until ``expires_on``.

    Without ``expires_on`` the programme's validity for the kind gives the
    date (or none).  Refused, changing nothing, for a date in the future, an
    expiry before the check date, or a volunteer who has left.
    """
    volunteer = (
        Volunteer.objects.select_for_update().select_related("programme").get(pk=volunteer.pk)
    )
    _renewal_check(volunteer, kind, completed_on, expires_on)
    check = volunteer.checks.filter(kind=kind).first() or VolunteerCheck(
        volunteer=volunteer, kind=kind
    )
    check.completed_on = completed_on
    check.recorded_by = recorded_by
    check.full_clean()
    check.save()
    explicit = expires_on is not None
    if not explicit:
        months = validity_months(programme=volunteer.programme).get(kind)
        expires_on = expiry_from_validity(completed_on, months)
    CheckExpiry.objects.filter(volunteer_check=check).delete()
    if expires_on is not None:
        CheckExpiry.objects.create(volunteer_check=check, expires_on=expires_on, explicit=explicit)
    return check


def _renewal_check(
    volunteer: Volunteer, kind: str, completed_on: dt.date, expires_on: dt.date | None
) -> None:
    if volunteer.state == Volunteer.State.LEFT:
        raise ValidationError(
            _("%(name)s has left the programme; there is no check to renew.")
            % {"name": volunteer.first_name}
        )
    if kind not in VolunteerCheck.Kind.values:
        raise ValidationError({"kind": _("Pick one of the kinds of check.")})
    if completed_on > volunteer.programme.today():
        raise ValidationError(
            {"completed_on": _("This date is in the future; record a check once it is done.")}
        )
    if expires_on is not None and expires_on < completed_on:
        raise ValidationError(
            {
                "expires_on": _(
                    "A check cannot expire before it was done (%(date)s). Give a later date, "
                    "or leave it empty to use the programme's validity."
                )
                % {"date": formats.date_format(completed_on, "DATE_FORMAT")}
            }
        )


def check_reminders_send(*, now: dt.datetime) -> int:
    """Remind each volunteer and the programme's coordinators once, 30 days before a check expires.

    Each reminder is claimed by setting ``reminded_for`` to the expiry date
    with a conditional update, in the transaction that queues its e-mails:
    two ticks at once, or a tick run twice, remind once.  A renewed check has
    a new date, so it is reminded again before that one.
    """
    sent = 0
    dated = Programme.objects.filter(volunteers__checks__expiry__isnull=False).distinct()
    for programme in dated:
        sent += _programme_reminders(programme, programme.today(now))
    return sent


def _programme_reminders(programme: Programme, today: dt.date) -> int:
    coordinators = [
        c.user for c in programme.coordinators.select_related("user") if c.user.is_active
    ]
    sent = 0
    for expiry in reminders_due(programme=programme, today=today).iterator(chunk_size=_BATCH):
        with transaction.atomic():
            claimed = (
                CheckExpiry.objects.filter(pk=expiry.pk, expires_on=expiry.expires_on)
                .exclude(reminded_for=expiry.expires_on)
                .update(reminded_for=expiry.expires_on)
            )
            if claimed:
                _reminder_queue(programme, expiry, coordinators)
                sent += 1
    return sent


def _reminder_queue(programme: Programme, expiry: CheckExpiry, coordinators: list[Any]) -> None:
    check = expiry.volunteer_check
    volunteer = check.volunteer
    key = f"{check.pk}:{expiry.expires_on.isoformat()}"
    user = volunteer.user
    if user is not None and user.is_active:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _volunteer_words(programme, volunteer, check, expiry)
        email_queue(
            to=user.email,
            subject=subject,
            body=body,
            purpose="check_expiry",
            key=key,
            user=user,
            person=volunteer,
            about=("volunteer", volunteer.pk),
            language=user.language,
        )
    for coordinator in coordinators:
        with translation.override(coordinator.language or settings.LANGUAGE_CODE):
            subject, body = _coordinator_words(programme, volunteer, check, expiry)
        email_queue(
            to=coordinator.email,
            subject=subject,
            body=body,
            purpose="check_expiry_coordinator",
            key=key,
            user=coordinator,
            about=("volunteer", volunteer.pk),
            language=coordinator.language,
        )


def _volunteer_words(
    programme: Programme, volunteer: Volunteer, check: VolunteerCheck, expiry: CheckExpiry
) -> tuple[str, str]:
    body = _(
        "Hello %(name)s,\n\n"
        "Your check (%(check)s) for %(programme)s is valid until %(date)s. Please arrange to "
        "renew it with the coordinator before then: after that date we cannot propose a new "
        "pairing to you until it is renewed. A pairing you have now carries on.\n\n%(link)s"
    ) % {
        "name": volunteer.first_name,
        "check": check.get_kind_display(),
        "programme": programme.name,
        "date": formats.date_format(expiry.expires_on, "DATE_FORMAT"),
        "link": site_link("people:volunteer_home", volunteer.pk),
    }
    return _("A check needs renewing: %(check)s") % {"check": check.get_kind_display()}, body


def _coordinator_words(
    programme: Programme, volunteer: Volunteer, check: VolunteerCheck, expiry: CheckExpiry
) -> tuple[str, str]:
    body = _(
        "The check (%(check)s) of %(name)s (%(id)s) in %(programme)s is valid until %(date)s. "
        "Record the renewal on their page; after that date they get no new proposal until "
        "it is renewed, and an active pairing is flagged.\n\n%(link)s"
    ) % {
        "check": check.get_kind_display(),
        "name": volunteer.first_name,
        "id": volunteer.external_id,
        "programme": programme.name,
        "date": formats.date_format(expiry.expires_on, "DATE_FORMAT"),
        "link": site_link("programmes:volunteer_detail", programme.pk, volunteer.pk),
    }
    return _("A volunteer's check expires on %(date)s") % {
        "date": formats.date_format(expiry.expires_on, "DATE_FORMAT")
    }, body
