"""Retention: each programme erases the people who left once its period has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.models import ErasureRecord, RetentionPolicy
from kinfolk.privacy.retention import retention_due, retention_next, retention_set
from kinfolk.testing import make_household, make_volunteer, otp_force_login
from kinfolk.ticks.services import tick_run

NOW = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)


def _left(person, *, days_ago: int):
    type(person).objects.filter(pk=person.pk).update(
        state="left", state_changed_at=NOW - dt.timedelta(days=days_ago)
    )
    person.refresh_from_db()
    return person


@pytest.fixture
def leavers(programme):
    long_ago = _left(make_household(programme, first_name="Old"), days_ago=400)
    recent = _left(make_volunteer(programme, first_name="New"), days_ago=30)
    return long_ago, recent


def test_the_daily_job_erases_only_those_past_the_period(leavers):
    long_ago, recent = leavers
    outcome = tick_run(now=NOW)
    assert outcome["retention_erase"].startswith("1 people erased")
    assert Household.objects.get(pk=long_ago.pk).is_erased
    assert not Volunteer.objects.get(pk=recent.pk).is_erased


def test_running_it_twice_changes_nothing(leavers):
    tick_run(now=NOW)
    before = list(ErasureRecord.objects.values_list("kind", "erased_id"))
    # Another day's slot: the job runs again and finds nobody new.
    outcome = tick_run(now=NOW + dt.timedelta(days=1))
    assert outcome["retention_erase"].startswith("0 people erased")
    assert list(ErasureRecord.objects.values_list("kind", "erased_id")) == before


def test_a_shorter_period_makes_the_recent_leaver_due(programme, leavers):
    retention_set(programme=programme, months=1)
    due = retention_due(programme=programme, now=NOW + dt.timedelta(days=2))
    assert {p.first_name for p in due} == {"Old", "New"}


def test_people_who_have_not_left_are_never_due(programme, volunteer, household):
    assert retention_due(programme=programme, now=NOW + dt.timedelta(days=5000)) == []


@pytest.mark.parametrize("months", [0, -1, 121])
def test_a_bad_period_is_refused_and_nothing_changes(programme, months):
    retention_set(programme=programme, months=6)
    with pytest.raises(ValidationError):
        retention_set(programme=programme, months=months)
    assert RetentionPolicy.objects.get(programme=programme).months == 6


def test_the_settings_page_says_what_is_erased_next_and_when(client, site_admin, programme):
    _left(make_volunteer(programme, first_name="Soon"), days_ago=(timezone.now() - NOW).days + 300)
    otp_force_login(client, site_admin)
    page = client.get(reverse("programmes_admin:detail", args=[programme.pk])).content.decode()
    assert "kept for 12 months" in page
    assert "Next: 1 person is erased on" in page


def test_the_next_erasure_is_dated_from_the_earliest_leaver(programme):
    from dateutil.relativedelta import relativedelta

    _left(make_volunteer(programme), days_ago=100)
    _left(make_volunteer(programme), days_ago=50)
    nxt = retention_next(programme=programme, now=NOW)
    assert nxt.due_now == 0 and nxt.next_count == 1
    assert nxt.next_on == NOW - dt.timedelta(days=100) + relativedelta(months=12)


@pytest.mark.parametrize("months", ["0", "-1", "twelve"])
def test_the_page_refuses_a_bad_period_beside_the_field(client, site_admin, programme, months):
    otp_force_login(client, site_admin)
    url = reverse("privacy_admin:retention", args=[programme.pk])
    response = client.post(url, {"months": months})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not RetentionPolicy.objects.filter(programme=programme).exists()


def test_the_page_saves_a_good_period(client, site_admin, programme):
    otp_force_login(client, site_admin)
    url = reverse("privacy_admin:retention", args=[programme.pk])
    assert client.post(url, {"months": "24"}).status_code == 302
    assert RetentionPolicy.objects.get(programme=programme).months == 24


def test_a_coordinator_cannot_change_retention(client, coordinator, programme):
    client.force_login(coordinator)
    url = reverse("privacy_admin:retention", args=[programme.pk])
    response = client.post(url, {"months": "1"})
    assert response.status_code in (302, 403, 404)
    assert not RetentionPolicy.objects.filter(programme=programme).exists()


def test_the_job_ends_the_sessions_of_the_accounts_it_erases(programme, client):
    from kinfolk.devices.models import SignedInSession as Session
    from kinfolk.testing import make_user

    user = make_user("gone@example.org", first_name="Gone")
    _left(make_household(programme, users=(user,)), days_ago=400)
    client.force_login(user)
    assert Session.objects.count() == 1
    tick_run(now=NOW)
    assert Session.objects.count() == 0
