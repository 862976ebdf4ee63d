"""Coordinators' services, called directly: what each guarantees and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from kinfolk.people.models import Consent, Invitation, Volunteer, VolunteerCheck
from kinfolk.people.services.coordination import (
    invitation_create,
    invitation_revoke,
    organisation_create,
    paper_consent_record,
    volunteer_approve,
)
from kinfolk.programmes.models import Organisation
from kinfolk.testing import make_household, make_volunteer

DONE = dt.date(2026, 1, 15)
PROFILE = {
    "first_name": "Pearl",
    "last_name": "",
    "phone": "",
    "address": "",
    "town": "Leeds",
    "lat": 53.79648,
    "lon": -1.54785,
    "max_travel_km": 10.0,
    "visit_places": "either",
    "speaks": "en:fluent",
    "learning": "",
    "availability": "mon-am",
    "offers": "",
    "accepts": "",
    "blackout": "",
    "travel_mode": "public",
}


def _errors(excinfo):
    return excinfo.value.message_dict


def test_approve_records_checks_and_state(programme, coordinator, applicant):
    approved = volunteer_approve(
        volunteer=applicant, approved_by=coordinator, checks={"references": DONE, "training": DONE}
    )
    assert approved.state == "approved"
    assert approved.approved_at is not None
    assert set(applicant.checks.values_list("kind", "completed_on")) == {
        ("references", DONE),
        ("training", DONE),
    }


def test_approve_updates_a_check_recorded_earlier(programme, coordinator, applicant):
    VolunteerCheck.objects.create(
        volunteer=applicant, kind="training", completed_on=dt.date(2025, 1, 1)
    )
    volunteer_approve(
        volunteer=applicant, approved_by=coordinator, checks={"references": DONE, "training": DONE}
    )
    check = applicant.checks.get(kind="training")
    assert (check.completed_on, check.recorded_by) == (DONE, coordinator)


def test_approve_requires_safeguarding_where_the_programme_does(programme, coordinator, applicant):
    programme.requires_safeguarding = True
    programme.save(update_fields=["requires_safeguarding"])
    with pytest.raises(ValidationError) as excinfo:
        volunteer_approve(
            volunteer=applicant,
            approved_by=coordinator,
            checks={"references": DONE, "training": DONE},
        )
    assert "safeguarding" in _errors(excinfo)
    assert VolunteerCheck.objects.count() == 0


def test_approve_refuses_a_future_date(programme, coordinator, applicant):
    later = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        volunteer_approve(
            volunteer=applicant,
            approved_by=coordinator,
            checks={"references": DONE, "training": later},
        )
    assert list(_errors(excinfo)) == ["training"]
    applicant.refresh_from_db()
    assert applicant.state == "applied"
    assert VolunteerCheck.objects.count() == 0


def test_approve_refuses_an_unknown_kind_of_check(programme, coordinator, applicant):
    with pytest.raises(ValidationError) as excinfo:
        volunteer_approve(
            volunteer=applicant,
            approved_by=coordinator,
            checks={"references": DONE, "training": DONE, "horoscope": DONE},
        )
    assert NON_FIELD_ERRORS in _errors(excinfo)


@pytest.mark.parametrize("state", ["approved", "active", "paused", "left"])
def test_approve_refuses_anyone_not_applied(programme, coordinator, state):
    volunteer = make_volunteer(programme, state=state)
    with pytest.raises(ValidationError) as excinfo:
        volunteer_approve(
            volunteer=volunteer,
            approved_by=coordinator,
            checks={"references": DONE, "training": DONE},
        )
    assert NON_FIELD_ERRORS in _errors(excinfo)
    assert Volunteer.objects.get(pk=volunteer.pk).state == state
    assert VolunteerCheck.objects.count() == 0


def test_invitation_is_emailed_only_after_commit(
    programme, coordinator, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_create(
            programme=programme,
            created_by=coordinator,
            role="household",
            email=" Ivy@Example.org ",
            first_name="Ivy",
        )
    assert mail.outbox == []
    callbacks[0]()
    assert invitation.email == "ivy@example.org"
    assert mail.outbox[0].to == ["ivy@example.org"]
    assert invitation.token in mail.outbox[0].body
    assert programme.name in mail.outbox[0].subject


def test_invitation_refuses_an_address_of_a_household_adult(
    programme, coordinator, household, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as e:
        invitation_create(
            programme=programme,
            created_by=coordinator,
            role="volunteer",
            email="hana@example.org",
            first_name="Hana",
        )
    assert list(_errors(e)) == ["email"]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_invitation_refuses_the_second_adult_role(programme, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        invitation_create(
            programme=programme,
            created_by=coordinator,
            role="household_adult",
            email="ivy@example.org",
            first_name="Ivy",
        )
    assert list(_errors(excinfo)) == ["role"]


def test_an_expired_invitation_does_not_block_a_new_one(programme, coordinator):
    Invitation.objects.create(
        programme=programme,
        role="volunteer",
        email="ivy@example.org",
        first_name="Ivy",
        expires_at=timezone.now() - dt.timedelta(days=1),
    )
    invitation_create(
        programme=programme,
        created_by=coordinator,
        role="volunteer",
        email="ivy@example.org",
        first_name="Ivy",
    )
    assert Invitation.objects.count() == 2


def test_revoke_forgets_a_pending_invitation(programme, coordinator):
    invitation = invitation_create(
        programme=programme,
        created_by=coordinator,
        role="volunteer",
        email="ivy@example.org",
        first_name="Ivy",
    )
    invitation_revoke(invitation=invitation)
    assert not Invitation.objects.exists()


def test_revoke_refuses_an_accepted_invitation(programme, coordinator):
    invitation = invitation_create(
        programme=programme,
        created_by=coordinator,
        role="volunteer",
        email="ivy@example.org",
        first_name="Ivy",
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    with pytest.raises(ValidationError):
        invitation_revoke(invitation=invitation)
    assert Invitation.objects.count() == 1


def test_paper_consent_numbers_past_the_largest_id(programme, coordinator):
    make_volunteer(programme, external_id="V000041")
    make_volunteer(programme, external_id="V000009")
    make_volunteer(programme, external_id="imported-77")
    person = paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="volunteer",
        given_on=DONE,
        profile=PROFILE,
    ).person
    assert person.external_id == "V000042"


def test_paper_consent_ids_are_per_programme(programme, other_programme, coordinator):
    make_household(other_programme, external_id="H000005")
    person = paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="household",
        given_on=DONE,
        profile=PROFILE,
    ).person
    assert person.external_id == "H000001"
    assert person.state == "active"


def test_paper_consent_records_who_and_when(programme, coordinator):
    person = paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="volunteer",
        given_on=DONE,
        profile=PROFILE,
    ).person
    consent = Consent.objects.get(volunteer=person)
    assert (consent.method, consent.recorded_by, consent.withdrawn_at) == (
        "paper",
        coordinator,
        None,
    )
    assert timezone.localtime(consent.given_at).date() == DONE


def test_paper_consent_never_attaches_an_account_a_person_already_holds(
    programme, coordinator, other_volunteer
):
    enrolment = paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="volunteer",
        given_on=DONE,
        profile=PROFILE,
        email="BEA@example.org",
    )
    person = enrolment.person
    assert person.user is None
    assert not Volunteer.objects.filter(programme=programme, user=other_volunteer.user).exists()
    assert Consent.objects.get(volunteer=person).user is None
    invitation = enrolment.link_invitation
    assert (invitation.role, invitation.volunteer, invitation.email) == (
        "link",
        person,
        "bea@example.org",
    )
    assert invitation.first_name == "Pearl"  # the name on the paper, never the account's


def test_a_household_on_paper_gets_a_link_invitation_too(
    programme, coordinator, other_volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = paper_consent_record(
            programme=programme,
            recorded_by=coordinator,
            role="household",
            given_on=DONE,
            profile=PROFILE,
            email="bea@example.org",
        )
    assert not enrolment.person.members.exists()
    assert enrolment.link_invitation.household == enrolment.person
    (mail,) = mailoutbox
    assert mail.to == ["bea@example.org"] and "paper form" in mail.body


def test_a_new_address_gets_a_new_account_and_no_invitation(programme, coordinator):
    enrolment = paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="volunteer",
        given_on=DONE,
        profile=PROFILE,
        email="pearl@example.org",
    )
    assert enrolment.person.user.email == "pearl@example.org"
    assert enrolment.link_invitation is None


def test_paper_consent_refuses_an_organisation_of_another_programme(
    programme, other_programme, coordinator
):
    theirs = Organisation.objects.create(programme=other_programme, name="Theirs", kind="club")
    with pytest.raises(ValidationError) as excinfo:
        paper_consent_record(
            programme=programme,
            recorded_by=coordinator,
            role="volunteer",
            given_on=DONE,
            profile=PROFILE,
            organisation=theirs,
        )
    assert list(_errors(excinfo)) == ["organisation"]
    assert Volunteer.objects.count() == 0


def test_paper_consent_full_clean_stops_a_bad_profile(programme, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        paper_consent_record(
            programme=programme,
            recorded_by=coordinator,
            role="volunteer",
            given_on=DONE,
            profile={**PROFILE, "first_name": ""},
        )
    assert "first_name" in _errors(excinfo)
    assert Volunteer.objects.count() == 0 and Consent.objects.count() == 0


def test_organisation_names_are_unique_within_a_programme_only(programme, other_programme):
    organisation_create(programme=programme, name="Acme", kind="company")
    organisation_create(programme=other_programme, name="Acme", kind="company")
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(programme=programme, name="acme", kind="club")
    assert list(_errors(excinfo)) == ["name"]
    assert Organisation.objects.count() == 2


def test_organisation_refuses_an_unknown_kind(programme):
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(programme=programme, name="Acme", kind="church")
    assert "kind" in _errors(excinfo)
