"""The marker test: after erasure, no trace of the person is left in any column, table or file.

Every text field of a household, its adult's account, its contact details,
consents, invitations, feedback, places and reports holds a unique marker.
The same markers are then copied where Kinfolk and its libraries copy a
person's words: messages to them and about them, the access log (the adult
read the volunteer's phone), sign-in records (django-axes), a background
task's arguments, a refused import's problems, a cache.  After erasure, every
column of every model, every cell of every table (read with raw SQL, so
third-party and join tables count too), every session and every file under
the media and data folders are searched: no marker may be found.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kinfolk.outbox.services import email_queue
from kinfolk.pairings.models import PairExclusion, PairingImport, VisitorReport
from kinfolk.people.models import Consent, Household, Invitation
from kinfolk.privacy.erasure import person_erase
from kinfolk.privacy.models import ContactAccessLog, ContactDetails, ErasureRecord
from kinfolk.privacy.services import contact_details_read
from kinfolk.testing import make_pairing, make_time, make_visit

_serial = itertools.count(1)


def _marker() -> str:
    # Six characters fit every column, the shortest being eight.
    return f"zq{next(_serial):03d}m"


def _fill(queryset: models.QuerySet, markers: list[str], *, only: tuple[str, ...] = ()) -> None:
    """Put a fresh marker in every text field of the rows (raw update: no validation)."""
    model = queryset.model
    for row in queryset:
        values = {}
        for field in model._meta.concrete_fields:
            if only and field.name not in only:
                continue
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                marker = _marker()
                markers.append(marker)
                if isinstance(field, models.EmailField):
                    marker = f"{marker}@example.org"
                values[field.attname] = marker
        model.objects.filter(pk=row.pk).update(**values)


@pytest.fixture
def marked(programme, volunteer, household, household_user, coordinator, client):
    """The household, paired with the volunteer, with markers everywhere it has words."""
    markers: list[str] = []
    pairing = make_pairing(volunteer, household)
    visit = make_visit(pairing)
    make_time(visit, by="household")
    VisitorReport.objects.create(pairing=pairing, reported_by=household_user, words="x")
    Invitation.objects.create(
        programme=programme,
        role="household_adult",
        household=household,
        email="y@example.org",
        first_name="y",
        expires_at=timezone.now(),
    )
    PairExclusion.objects.create(
        programme=programme, volunteer=volunteer, household=household, set_at=timezone.now()
    )
    _fill(Household.objects.filter(pk=household.pk), markers)
    _fill(type(household_user).objects.filter(pk=household_user.pk), markers)
    for model in (ContactDetails, Consent, Invitation):
        _fill(model.objects.filter(household=household), markers)
    _fill(PairExclusion.objects.filter(household=household), markers, only=("note",))
    _fill(VisitorReport.objects.filter(pairing=pairing), markers, only=("words",))
    _fill(visit.__class__.objects.filter(pk=visit.pk), markers, only=("household_words",))
    _fill(visit.__class__.objects.filter(pk=visit.pk), markers, only=("place_note",))
    _fill(visit.times.all(), markers, only=("place_note",))
    household.refresh_from_db()
    household_user.refresh_from_db()
    _copies(household, household_user, volunteer, pairing, client)
    return household, markers


def _copies(person, user, partner, pairing, client) -> None:
    """Copy the person's words where the application and its libraries copy them."""
    partner_user = partner.user if partner.side == "volunteer" else partner.members.get().user
    contact_details_read(viewer=user, person=partner, fields=["phone"], reason="pairing page")
    email_queue(
        to=user.email,
        subject=f"Hello {user.first_name}",
        body=f"Dear {person.first_name} {person.last_name}",
        purpose="test_to_them",
        key="erasure-test-1",
        user=user,
        person=person,
    )
    email_queue(
        to=partner_user.email,
        subject="A time",
        body=f"{person.first_name} proposed meeting at {person.town}",
        purpose="test_about_them",
        key="erasure-test-2",
        user=partner_user,
        person=partner,
        about=("pairing", pairing.pk),
    )
    email_queue(
        to=partner_user.email,
        subject="Old news",
        body=f"You once met {person.first_name}.",
        purpose="test_mention",
        key="erasure-test-3",
        user=partner_user,
    )
    common = {"user_agent": "test", "ip_address": "127.0.0.1", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        **common,
        username=user.email,
        path_info="/accounts/login/",
        get_data="",
        post_data=f"username={user.email}",
        failures_since_start=1,
    )
    AccessLog.objects.create(**common, username=user.email, path_info="/accounts/login/")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"to": user.email}},
        task_path="kinfolk.test",
        backend_name="default",
        priority=0,
        queue_name="default",
    )
    PairingImport.objects.create(
        programme=person.programme, problems_csv=f"row,problem\n2,{user.email} unknown\n"
    )
    cache.set("erasure-test", person.first_name)
    client.force_login(user)


@pytest.fixture
def marked_volunteer(programme, volunteer, volunteer_user, household, coordinator, client):
    """The volunteer, paired with the household, with markers everywhere they have words."""
    from kinfolk.people.models import Volunteer

    markers: list[str] = []
    pairing = make_pairing(volunteer, household)
    visit = make_visit(pairing, host="volunteer")
    make_time(visit, by="volunteer")
    Invitation.objects.create(
        programme=programme,
        role="link",
        volunteer=volunteer,
        email="z@example.org",
        first_name="z",
        expires_at=timezone.now(),
    )
    PairExclusion.objects.create(
        programme=programme, volunteer=volunteer, household=household, set_at=timezone.now()
    )
    _fill(Volunteer.objects.filter(pk=volunteer.pk), markers)
    _fill(type(volunteer_user).objects.filter(pk=volunteer_user.pk), markers)
    for model in (ContactDetails, Consent, Invitation):
        _fill(model.objects.filter(volunteer=volunteer), markers)
    _fill(PairExclusion.objects.filter(volunteer=volunteer), markers, only=("note",))
    _fill(visit.__class__.objects.filter(pk=visit.pk), markers, only=("volunteer_words",))
    _fill(visit.__class__.objects.filter(pk=visit.pk), markers, only=("place_note",))
    _fill(visit.times.all(), markers, only=("place_note",))
    volunteer.refresh_from_db()
    volunteer_user.refresh_from_db()
    _copies(volunteer, volunteer_user, household, pairing, client)
    return volunteer, markers


def _found_in_models(markers: list[str]) -> list[str]:
    found = []
    for model in apps.get_models():
        for row in model._base_manager.all().values():
            text = " ".join(str(v) for v in row.values())
            found += [f"{model._meta.label}: {m}" for m in markers if m in text]
    return found


def _found_in_tables(markers: list[str]) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                found += [f"{table}: {m}" for m in markers if m in text]
    return found


def _found_in_sessions(markers: list[str], user_pk: int) -> list[str]:
    from kinfolk.devices.models import SignedInSession

    found = []
    for session in SignedInSession.objects.all():
        data = session.get_decoded()
        text = str(data)
        found += [f"session: {m}" for m in markers if m in text]
        if data.get("_auth_user_id") == str(user_pk) or session.user_id == user_pk:
            found.append("session: signed-in session of the erased account")
    return found


def _found_in_files(markers: list[str]) -> list[str]:
    found = []
    roots = {str(settings.MEDIA_ROOT or ""), str(getattr(settings, "DATA_DIR", "") or "")}
    for root in filter(None, roots):
        for path in Path(root).rglob("*"):
            if path.is_file() and path.stat().st_size < 50_000_000:
                data = path.read_bytes()
                found += [f"{path}: {m}" for m in markers if m.encode() in data]
    return found


def _found_in_cache(markers: list[str]) -> list[str]:
    value = str(cache.get("erasure-test"))
    return [f"cache: {m}" for m in markers if m in value]


def test_erasure_leaves_no_marker_in_any_column_table_session_cache_or_file(
    marked, household_user, django_capture_on_commit_callbacks
):
    household, markers = marked
    user_pk = household_user.pk
    assert _found_in_tables(markers), "the markers were not stored; the test proves nothing"
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=household)
    found = (
        _found_in_models(markers)
        + _found_in_tables(markers)
        + _found_in_sessions(markers, user_pk)
        + _found_in_files(markers)
        + _found_in_cache(markers)
    )
    assert found == []


def test_erasing_a_volunteer_leaves_no_marker_either(
    marked_volunteer, volunteer_user, django_capture_on_commit_callbacks
):
    volunteer, markers = marked_volunteer
    user_pk = volunteer_user.pk
    assert _found_in_tables(markers)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=volunteer)
    found = (
        _found_in_models(markers)
        + _found_in_tables(markers)
        + _found_in_sessions(markers, user_pk)
        + _found_in_files(markers)
        + _found_in_cache(markers)
    )
    assert found == []


def test_erasure_keeps_the_counts_and_an_ids_only_ledger_entry(marked, volunteer):
    household, _markers = marked
    person_erase(person=household)
    household.refresh_from_db()
    assert household.state == "left"
    assert household.pairings.count() == 1
    assert household.pairings.get().state == "ended"
    record = ErasureRecord.objects.get(kind="household", erased_id=household.pk)
    assert record.programme_id == household.programme_id
    assert ContactAccessLog.objects.filter(person_id=volunteer.pk).count() == 1


def test_erasing_twice_changes_nothing_more(marked):
    household, _markers = marked
    person_erase(person=household)
    before = _table_counts()
    person_erase(person=household)
    assert _table_counts() == before
    assert ErasureRecord.objects.count() == 1


def _table_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()}


def test_every_column_that_may_quote_people_exists():
    from kinfolk.privacy.traces import QUOTING_COLUMNS

    for column in QUOTING_COLUMNS:
        apps.get_model(column.model)._meta.get_field(column.field)
