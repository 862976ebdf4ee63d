"""The one door to contact details (charter rules 4 and 5).

Who may see a person's phone, address and e-mail is decided here, never by
the caller: the person themselves (not logged), the partner in an active
pairing, or a coordinator of the person's programme (both logged, grouped per
viewer, person and day).  Anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, HouseholdMember, Volunteer
from kinfolk.privacy.models import ContactAccessLog, ContactDetails
from kinfolk.privacy.phones import phone_e164_or_none, phone_normalise
from kinfolk.programmes.models import Coordinator, Programme

Person = Volunteer | Household

CONTACT_FIELDS = ("email", "phone", "address")
#: The fields stored here; the e-mail is the account's.
STORED_FIELDS = ("phone", "address")


class ContactAccessRefused(Exception):
    """The viewer may not see this person's contact details now; a view answers 404."""


def contact_details_read(
    *, viewer: Any, person: Person, fields: Iterable[str], reason: str
) -> dict[str, str]:
    """The person's contact fields, if the viewer may see them now; raises ContactAccessRefused.

    A read by anyone but the person is logged with the reason, grouped per
    viewer, person and day.
    """
    grant = _grant(viewer, person)
    if grant is None:
        raise ContactAccessRefused
    wanted = list(dict.fromkeys(f for f in fields if f in CONTACT_FIELDS))
    values = _values(person, wanted)
    if grant != "own":
        _log(viewer, person, wanted, reason, grant)
    return values


def _grant(viewer: Any, person: Person) -> str | None:
    """Why the viewer may see the person's details: "own", "partner", "coordinator"; else None."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    if _is_own(viewer, person):
        return "own"
    if _is_active_partner(viewer, person):
        return "partner"
    if Coordinator.objects.filter(programme_id=person.programme_id, user=viewer).exists():
        return "coordinator"
    return None


def _is_own(viewer: Any, person: Person) -> bool:
    if isinstance(person, Household):
        return HouseholdMember.objects.filter(household=person, user=viewer).exists()
    return bool(person.user_id == viewer.pk)


def _is_active_partner(viewer: Any, person: Person) -> bool:
    if isinstance(person, Household):
        pairs = Pairing.objects.filter(household=person, volunteer__user=viewer)
    else:
        pairs = Pairing.objects.filter(volunteer=person, household__members__user=viewer)
    return pairs.filter(state=Pairing.State.ACTIVE).exists()


def _values(person: Person, fields: list[str]) -> dict[str, str]:
    stored = _stored(person)
    values = {}
    for name in fields:
        if name == "email":
            values[name] = _emails(person)
        else:
            values[name] = getattr(stored, name) if stored else ""
    return values


def _stored(person: Person) -> ContactDetails | None:
    return ContactDetails.objects.filter(**{person.side: person}).first()


def _emails(person: Person) -> str:
    if isinstance(person, Household):
        members = person.members.select_related("user").order_by("joined_at", "id")
        return ", ".join(m.user.email for m in members)
    return person.user.email if person.user_id else ""


def _log(viewer: Any, person: Person, wanted: list[str], reason: str, grant: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        log, created = ContactAccessLog.objects.select_for_update().get_or_create(
            viewer_id=viewer.pk,
            person_kind=person.side,
            person_id=person.pk,
            day=now.date(),
            defaults={
                **_viewer_facts(viewer, person, grant),
                "fields": ",".join(wanted),
                "reasons": reason[:300],
                "last_read_at": now,
            },
        )
        if not created:
            log.fields = ",".join(sorted(set(log.fields.split(",")) | set(wanted)))
            if reason not in log.reasons.split("; "):
                log.reasons = f"{log.reasons}; {reason}"[:300]
            log.reads = F("reads") + 1
            log.last_read_at = now
            log.save(update_fields=["fields", "reasons", "reads", "last_read_at"])


def _viewer_facts(viewer: Any, person: Person, grant: str) -> dict[str, Any]:
    """Who read, as the person will see it: first name, role, and a coordinator's appointment.

    The appointment (by whom, when) shows a site administrator who appointed
    themselves for what they are, not as just another coordinator.
    """
    return _reader_facts(viewer, person.programme_id, grant)


def _reader_facts(viewer: Any, programme_id: int, grant: str) -> dict[str, Any]:
    appointment = (
        Coordinator.objects.filter(programme_id=programme_id, user=viewer)
        .select_related("appointed_by")
        .first()
    )
    appointer = appointment.appointed_by if appointment else None
    return {
        "viewer_label": viewer.first_name,
        "viewer_role": grant,
        "viewer_is_site_admin": bool(viewer.is_staff),
        "appointed_by_id": appointer.pk if appointer else None,
        "appointed_by_label": appointer.first_name if appointer else "",
        "appointed_at": appointment.appointed_at if appointment else None,
    }


# --- the person's own details ----------------------------------------------------------


def contact_details_write(
    *, person: Person, phone: str | None = None, address: str | None = None
) -> None:
    """Store the person's own phone (in E.164) and address; a field given as None is left as it is.

    A phone that is not a valid number for the programme's country is refused
    with a ValidationError on ``phone``, and nothing is stored.
    """
    if phone is not None:
        try:
            phone = phone_normalise(phone, country=_country(person))
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    changes = {name: value for name, value in (("phone", phone), ("address", address))}
    changes = {name: value for name, value in changes.items() if value is not None}
    if not changes:
        return
    details = _stored(person)
    created = details is None
    if details is None:
        details = ContactDetails(**{person.side: person})
    for name, value in changes.items():
        setattr(details, name, value)
    details.full_clean()
    details.save(update_fields=None if created else [*changes, "updated_at"])


def contact_details_bulk_create(
    *, rows: Iterable[tuple[Person, str, str]], batch_size: int = 5000
) -> None:
    """Store (person, phone, address) of people who have none yet, in batches (the demo)."""
    details = [
        ContactDetails(
            **{person.side: person},
            phone=phone_normalise(phone, country=_country(person)),
            address=address,
        )
        for person, phone, address in rows
    ]
    ContactDetails.objects.bulk_create(details, batch_size=batch_size)


def _country(person: Person) -> str:
    return str(person.programme.country)


def phone_for_delivery(person: Person) -> str:
    """The person's own phone number, for sending a message to them (SMS reminders, notices).

    Delivering to the person themselves is not someone else reading their
    details, so it is not logged; nothing else but messaging may call this.
    """
    stored = _stored(person)
    return stored.phone if stored else ""


def phones_for_delivery(*, people: Iterable[Person]) -> dict[tuple[str, int], str]:
    """``phone_for_delivery`` for many people in two queries: {(side, id): phone}."""
    ids: dict[str, set[int]] = {"volunteer": set(), "household": set()}
    for person in people:
        ids[person.side].add(person.pk)
    phones = dict.fromkeys(((side, pk) for side, pks in ids.items() for pk in pks), "")
    for side, pks in ids.items():
        stored = ContactDetails.objects.filter(**{f"{side}_id__in": pks}).exclude(phone="")
        for pk, phone in stored.values_list(f"{side}_id", "phone"):
            phones[(side, pk)] = phone
    return phones


def address_mentioned(*, text: str, people: Iterable[Person]) -> bool:
    """Whether ``text`` holds the home address of any of ``people`` (the text is never shown).

    For refusing a "public place" that is someone's home; nothing is returned
    but yes or no, so nothing is read out.
    """
    lowered = text.lower()
    for person in people:
        stored = _stored(person)
        address = stored.address.strip().lower() if stored else ""
        if address and address in lowered:
            return True
    return False


# --- finding people by their contact details -----------------------------------------

#: A search by e-mail or phone names at most this many people (and logs as many reads).
SEARCH_LIMIT = 20


def contact_details_search(
    *, viewer: Any, programme: Any, side: str, query: str, reason: str
) -> list[int] | None:
    """Ids of the programme's volunteers (or households) whose e-mail or phone is ``query``.

    None when the query is neither an e-mail address nor a valid phone number,
    so the caller searches by name.  Only an exact number or address matches:
    a search never lists people by part of a number.  Finding someone by their
    contact details tells the viewer what those details are, so each person
    found is logged as a read of that field (charter rule 5), and only a
    coordinator of the programme may search at all.
    """
    if not Coordinator.objects.filter(programme=programme, user=viewer).exists():
        raise ContactAccessRefused
    found, field = _search_ids(programme, side, query.strip())
    if field is None:
        return None
    model = Volunteer if side == "volunteer" else Household
    for person in model.objects.filter(pk__in=found).select_related("programme"):
        _log(viewer, person, [field], reason, "coordinator")
    return found


def _search_ids(programme: Any, side: str, query: str) -> tuple[list[int], str | None]:
    if "@" in query:
        email = query.lower()
        if side == "volunteer":
            people = Volunteer.objects.filter(programme=programme, user__email=email)
        else:
            people = Household.objects.filter(programme=programme, members__user__email=email)
        return list(people.values_list("pk", flat=True)[:SEARCH_LIMIT]), "email"
    phone = phone_e164_or_none(query, country=programme.country)
    if phone is None:
        return [], None
    stored = ContactDetails.objects.filter(
        phone=phone, **{f"{side}__programme": programme}
    ).values_list(f"{side}_id", flat=True)
    return list(stored[:SEARCH_LIMIT]), "phone"


def contact_details_same(
    *, side: str, programme_id: int, given: dict[int, tuple[str, str]]
) -> set[int]:
    """Of ``{person id: (phone, address)}``, the ids whose stored details are exactly these.

    For an import's preview ("unchanged" or "updated"): only ids come back, so
    nothing is read out and nothing is logged.  One query for the programme.
    """
    stored = ContactDetails.objects.filter(**{f"{side}__programme_id": programme_id})
    found = {
        pk: (phone, address)
        for pk, phone, address in stored.values_list(f"{side}_id", "phone", "address")
    }
    return {pk for pk, details in given.items() if found.get(pk, ("", "")) == details}


def contact_details_import(
    *,
    side: str,
    programme_id: int,
    new: dict[int, tuple[str, str]],
    changed: dict[int, tuple[str, str]],
) -> None:
    """Store ``{person id: (phone, address)}`` as an import's file has them, in bulk.

    ``new`` people have no details yet.  The caller's transaction holds it all,
    so an import that fails stores none.
    """
    from kinfolk.web.bulk import db_datetime, rows_insert, rows_update

    now = db_datetime(timezone.now())
    existing: dict[int, int] = {}
    if changed:
        stored = ContactDetails.objects.filter(**{f"{side}__programme_id": programme_id})
        existing = dict(stored.values_list(f"{side}_id", "pk"))
    adding = {**new, **{pk: v for pk, v in changed.items() if pk not in existing}}
    rows_insert(
        ContactDetails,
        [f"{side}_id", "phone", "address", "updated_at"],
        ((pk, phone, address, now) for pk, (phone, address) in adding.items()),
    )
    rows_update(
        ContactDetails,
        ["phone", "address", "updated_at"],
        ((phone, address, now, existing[pk]) for pk, (phone, address) in changed.items()
         if pk in existing),
    )  # fmt: skip


# --- many people at once: exports ------------------------------------------------------


def contact_details_read_many(
    *,
    viewer: Any,
    programme: Programme,
    people: QuerySet[Any],
    fields: Iterable[str],
    reason: str,
) -> dict[int, dict[str, str]]:
    """Contact fields of a batch of the programme's people, for its coordinator: {id: fields}.

    ``people`` is a queryset of volunteers or of households (an export's
    batch); anyone in it who is not the programme's is left out.  Only a
    coordinator of the programme may read this way, otherwise
    ContactAccessRefused.  The access log keeps its rule of one row per
    viewer, person and day, in a few statements per batch (``_log_many``).
    """
    if (
        not getattr(viewer, "is_authenticated", False)
        or not Coordinator.objects.filter(programme=programme, user=viewer).exists()
    ):
        raise ContactAccessRefused
    people = people.filter(programme=programme)
    side = people.model.side
    wanted = list(dict.fromkeys(f for f in fields if f in CONTACT_FIELDS))
    values = {pk: dict.fromkeys(wanted, "") for pk in people.values_list("pk", flat=True)}
    if not values:
        return {}
    _values_many(side, people, wanted, values)
    _log_many(viewer, programme, people, wanted, reason)
    return values


def _values_many(
    side: str, people: QuerySet[Any], wanted: list[str], values: dict[int, dict[str, str]]
) -> None:
    # Subqueries, not lists of ids: a batch of 2,000 ids costs Django more to
    # prepare than the database takes to answer.
    stored_fields = [f for f in wanted if f in STORED_FIELDS]
    if stored_fields:
        stored = ContactDetails.objects.filter(**{f"{side}__in": people.values("pk")})
        for pk, *cells in stored.values_list(f"{side}_id", *stored_fields):
            values[pk].update(zip(stored_fields, cells, strict=True))
    if "email" in wanted:
        for pk, email in _emails_many(side, people):
            earlier = values[pk]["email"]
            values[pk]["email"] = f"{earlier}, {email}" if earlier else email


def _emails_many(side: str, people: QuerySet[Any]) -> Iterable[tuple[int, str]]:
    if side == "household":
        members = HouseholdMember.objects.filter(household__in=people.values("pk"))
        return members.order_by("household_id", "joined_at", "id").values_list(
            "household_id", "user__email"
        )
    return people.filter(user__isnull=False).values_list("pk", "user__email")


def _log_many(
    viewer: Any, programme: Programme, people: QuerySet[Any], wanted: list[str], reason: str
) -> None:
    """``_log`` for a batch: one update per distinct earlier entry, then one insert.

    Today's rows of people already in the log are merged in place, grouped by
    what they hold (an export's rows mostly hold the same, so one group), and
    everyone else gets a new row from one ``INSERT … SELECT`` that the
    database fills from the batch itself: no row passes through Python.  A
    row another request inserts in between is left as it is (``ON CONFLICT DO
    NOTHING``): the read is logged either way.
    """
    now = timezone.now()
    side = people.model.side
    with transaction.atomic():
        earlier = ContactAccessLog.objects.filter(
            viewer_id=viewer.pk, person_kind=side, day=now.date(), person_id__in=people.values("pk")
        )
        for held, reasons in list(earlier.values_list("fields", "reasons").distinct()):
            merged = ",".join(sorted(set(held.split(",")) | set(wanted)))
            merged_reasons = reasons if reason in reasons.split("; ") else f"{reasons}; {reason}"
            # last_read_at < now: a row merged by an earlier group of this call is not merged twice.
            earlier.filter(fields=held, reasons=reasons, last_read_at__lt=now).update(
                fields=merged,
                reasons=merged_reasons[:300],
                reads=F("reads") + 1,
                last_read_at=now,
            )
        _log_insert_new(viewer, programme, people, wanted, reason, now)


def _log_insert_new(
    viewer: Any,
    programme: Programme,
    people: QuerySet[Any],
    wanted: list[str],
    reason: str,
    now: Any,
) -> None:
    row = {
        **_reader_facts(viewer, programme.pk, "coordinator"),
        "viewer_id": viewer.pk,
        "person_kind": people.model.side,
        "day": now.date(),
        "fields": ",".join(wanted),
        "reasons": reason[:300],
        "reads": 1,
        "last_read_at": now,
    }
    meta = ContactAccessLog._meta
    columns = [meta.get_field(name).column for name in row]
    params = [meta.get_field(name).get_db_prep_save(v, connection) for name, v in row.items()]
    ids_sql, ids_params = (
        people.order_by().values("id").query.get_compiler(connection=connection).as_sql()
    )
    log = connection.ops.quote_name(meta.db_table)
    # The WHERE clause also keeps SQLite from reading ON CONFLICT as part of the SELECT.
    sql = (
        f"INSERT INTO {log} ({', '.join(columns)}, person_id) "
        f"SELECT {', '.join(['%s'] * len(params))}, batch.id FROM ({ids_sql}) AS batch "
        f"WHERE NOT EXISTS (SELECT 1 FROM {log} AS l WHERE l.viewer_id = %s "
        "AND l.person_kind = %s AND l.day = %s AND l.person_id = batch.id) "
        "ON CONFLICT DO NOTHING"
    )
    day = meta.get_field("day").get_db_prep_save(row["day"], connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids_params, viewer.pk, row["person_kind"], day])


def without_phone(*, people: QuerySet[Any]) -> QuerySet[Any]:
    """The people of ``people`` (volunteers or households) with no phone stored.

    For the coordinator's "cannot be reached" list: a yes or no per person,
    decided in the database, so no number is read out and nothing is logged.
    """
    side = people.model.side
    with_phone = ContactDetails.objects.filter(**{f"{side}_id": OuterRef("pk")}).exclude(phone="")
    return people.exclude(Exists(with_phone))
