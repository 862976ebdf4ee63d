"""The participation services on their own: states, consents, sign-up tokens."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from django.utils import timezone

from kinfolk.people.models import Consent
from kinfolk.people.services import participation
from kinfolk.people.services.participation import ParticipationError
from kinfolk.testing import make_volunteer


@pytest.mark.parametrize(
    "service",
    [
        participation.participant_pause,
        participation.participant_resume,
        participation.participant_leave,
        participation.volunteer_ready,
        participation.profile_update,
        participation.consent_withdraw,
        participation.signup_request,
        participation.signup_complete,
        participation.household_adult_invite,
        participation.invitation_accept,
    ],
)
def test_services_take_keyword_arguments_only(service):
    params = inspect.signature(service).parameters.values()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)


def test_leave_withdraws_every_consent_and_stamps_the_change(household, coordinator):
    Consent.objects.create(
        household=household, method="paper", recorded_by=coordinator, given_at=timezone.now()
    )
    before = household.state_changed_at
    participation.participant_leave(person=household)
    household.refresh_from_db()
    assert household.state == "left"
    assert household.state_changed_at > before
    assert household.consents.filter(withdrawn_at__isnull=True).count() == 0


def test_leaving_twice_keeps_the_first_withdrawal_time(volunteer):
    participation.participant_leave(person=volunteer)
    first = volunteer.consents.get().withdrawn_at
    participation.participant_leave(person=volunteer)
    assert volunteer.consents.get().withdrawn_at == first


@pytest.mark.parametrize("state", ["applied", "approved", "paused", "left"])
def test_only_an_active_person_pauses(programme, state):
    volunteer = make_volunteer(programme, state=state)
    with pytest.raises(ParticipationError):
        participation.participant_pause(person=volunteer)


def test_resume_keeps_the_waiting_date(volunteer):
    participation.participant_pause(person=volunteer)
    participation.participant_resume(person=volunteer)
    volunteer.refresh_from_db()
    assert (volunteer.state, volunteer.waiting_since) == ("active", dt.date(2026, 1, 1))


def test_ready_only_from_approved(applicant):
    with pytest.raises(ParticipationError):
        participation.volunteer_ready(volunteer=applicant)


def test_a_sign_up_link_carries_the_moment_of_consent(programme, monkeypatch):
    sent: dict[str, str] = {}
    monkeypatch.setattr(
        participation.emails, "signup_verify_send", lambda **kw: sent.update(token=kw["token"])
    )
    moment = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    participation.signup_request(
        programme=programme,
        role="household",
        first_name="Nia",
        email=" Nia@Example.org ",
        consented_at=moment,
    )
    signup = participation.signup_load(token=sent["token"])
    assert (signup.programme, signup.role, signup.email) == (
        programme,
        "household",
        "nia@example.org",
    )
    assert signup.consented_at == moment
    assert not signup.used
