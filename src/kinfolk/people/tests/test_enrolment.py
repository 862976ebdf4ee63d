"""Creating a participant: one starting state and one form of id for every way in."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from kinfolk.people.models import Household, Volunteer
from kinfolk.people.services.enrolment import external_id_next, participant_create
from kinfolk.people.tests.test_coordination_services import PROFILE
from kinfolk.testing import make_user, make_volunteer


def _clash(monkeypatch, programme, times: int) -> None:
    """Let another enrolment save the same id between our checks and our save, ``times`` times."""
    full_clean = Volunteer.full_clean
    clashes = []

    def full_clean_then_clash(self, *args, **kwargs):
        full_clean(self, *args, **kwargs)
        if len(clashes) < times:
            clashes.append(self.external_id)
            make_volunteer(programme, external_id=self.external_id)

    monkeypatch.setattr(Volunteer, "full_clean", full_clean_then_clash)


def test_a_concurrent_enrolment_of_the_same_id_makes_us_take_the_next(programme, monkeypatch):
    _clash(monkeypatch, programme, times=1)
    person = participant_create(programme=programme, role="volunteer", profile=PROFILE)
    assert person.external_id == "V000002"
    assert Volunteer.objects.filter(programme=programme).count() == 2


def test_enrolment_gives_up_after_repeated_clashes(programme, monkeypatch):
    _clash(monkeypatch, programme, times=5)
    with pytest.raises(IntegrityError):
        participant_create(programme=programme, role="volunteer", profile=PROFILE)
    # Only the five rows the other enrolments saved.
    assert Volunteer.objects.filter(programme=programme).count() == 5


def test_ids_are_numbered_per_kind_of_participant(programme):
    make_volunteer(programme, external_id="V000007")
    assert external_id_next(programme=programme, model=Volunteer) == "V000008"
    assert external_id_next(programme=programme, model=Household) == "H000001"


def test_a_households_user_becomes_its_first_adult(programme):
    user = make_user()
    household = participant_create(
        programme=programme, role="household", profile=PROFILE, user=user
    )
    assert household.state == "active"
    assert list(household.members.values_list("user", flat=True)) == [user.pk]


def test_a_household_without_a_user_has_no_adult_yet(programme):
    household = participant_create(programme=programme, role="household", profile=PROFILE)
    assert household.members.count() == 0
