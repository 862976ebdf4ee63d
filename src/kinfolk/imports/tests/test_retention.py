"""Imported people who never accept are erased after the programme's retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinfolk.imports import inviting, services
from kinfolk.imports.models import Invitee
from kinfolk.imports.retention import invitees_unaccepted_due
from kinfolk.imports.tests.conftest import households_csv, row
from kinfolk.people.models import Household, Invitation
from kinfolk.privacy.retention import retention_set
from kinfolk.ticks.services import tick_run


@pytest.fixture
def imported(journey, coordinator, django_capture_on_commit_callbacks):
    made = journey(households_csv(row(1), row(2), row(3, email="", phone="")), commit=True)
    with django_capture_on_commit_callbacks(execute=True):
        inviting.invitations_start(people_import=made, by=coordinator)  # H1, H2; H3 has no address
    return made


def _later(months: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=31 * months + 1)


def test_nobody_is_due_before_the_period_has_passed(imported, programme):
    assert invitees_unaccepted_due(programme=programme, now=_later(11)) == []


def test_after_the_period_the_daily_job_erases_who_never_accepted_and_runs_twice_safely(
    imported, programme, coordinator
):
    services.invitee_consent_record(  # H2 agreed on paper: theirs is the ordinary retention
        person=Household.objects.get(external_id="H2"),
        given_on=programme.today(),
        recorded_by=coordinator,
    )
    outcome = tick_run(now=_later(12))
    assert outcome["people_imports_unaccepted_erase"].startswith("2 imported people")
    h1, h2, h3 = (Household.objects.get(pk=pk) for pk in sorted(
        Household.objects.filter(programme=programme).values_list("pk", flat=True)))  # fmt: skip
    assert h1.is_erased and h3.is_erased and not h2.is_erased
    assert list(Invitee.objects.values_list("household__external_id", flat=True)) == ["H2"]
    assert not Invitation.objects.filter(email="ann1@example.org").exists()
    before = sorted(_erasure_records().values_list("kind", "erased_id"))
    again = tick_run(now=_later(12) + dt.timedelta(days=1))  # the next day's run
    assert again["people_imports_unaccepted_erase"].startswith("0 imported people")
    assert sorted(_erasure_records().values_list("kind", "erased_id")) == before


def test_the_programmes_own_period_applies(imported, programme):
    retention_set(programme=programme, months=1)
    due = invitees_unaccepted_due(programme=programme, now=_later(2))
    assert sorted(i.household.external_id for i in due) == ["H1", "H2", "H3"]


def test_an_invitation_still_open_keeps_the_person(imported, programme):
    retention_set(programme=programme, months=1)
    Invitation.objects.update(expires_at=_later(3))
    due = invitees_unaccepted_due(programme=programme, now=_later(2))
    assert [i.household.external_id for i in due] == ["H3"]


def test_someone_who_accepted_is_never_due(imported, programme):
    from kinfolk.people.services.participation import invitation_accept

    invitation = Invitation.objects.get(household__external_id="H1")
    invitation_accept(invitation=invitation, password="a long and quiet river")
    due = invitees_unaccepted_due(programme=programme, now=_later(24))
    assert sorted(i.household.external_id for i in due) == ["H2", "H3"]


def _erasure_records():
    # By name: only the privacy app imports its own models (see test_contact_details_guard).
    from django.apps import apps

    return apps.get_model("privacy", "ErasureRecord").objects
