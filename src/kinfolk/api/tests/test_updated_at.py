"""``updated_at`` moves on every kind of write the services use, so a sync misses nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from kinfolk.people.models import Household
from kinfolk.testing import make_household, make_pairing, make_visit
from kinfolk.visits.models import Visit
from kinfolk.visits.services.planning import visits_cancel_future

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=30)


def _age(model, pk):
    model.objects.filter(pk=pk).update(updated_at=LONG_AGO)


def test_a_save_with_update_fields_moves_updated_at(programme):
    household = make_household(programme)
    _age(Household, household.pk)
    household.first_name = "New"
    household.save(update_fields=["first_name"])
    assert Household.objects.get(pk=household.pk).updated_at > LONG_AGO


def test_a_queryset_update_moves_updated_at(programme):
    household = make_household(programme)
    _age(Household, household.pk)
    Household.objects.filter(pk=household.pk).update(state="paused")
    assert Household.objects.get(pk=household.pk).updated_at > LONG_AGO


def test_a_service_that_updates_visits_in_bulk_moves_updated_at(volunteer, household):
    pairing = make_pairing(volunteer, household)
    visit = make_visit(pairing, window_start=timezone.localdate() + dt.timedelta(days=10))
    _age(Visit, visit.pk)
    visits_cancel_future(pairing=pairing)
    visit.refresh_from_db()
    assert visit.state == Visit.State.CANCELLED
    assert visit.updated_at > LONG_AGO


def test_a_row_inserted_with_raw_sql_gets_updated_at_from_the_database(volunteer, household):
    pairing = make_pairing(volunteer, household)
    table = Visit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (pairing_id, period, sequence, window_start, window_end, host,"
            " state, place_note, volunteer_outcome, household_outcome, volunteer_words,"
            " household_words, created_at)"
            " VALUES (%s, 0, 1, %s, %s, 'household', 'planned', '', '', '', '', '', %s)",
            [pairing.pk, dt.date(2026, 1, 1), dt.date(2026, 1, 7), timezone.now()],
        )
    assert Visit.objects.get(pairing=pairing).updated_at is not None
