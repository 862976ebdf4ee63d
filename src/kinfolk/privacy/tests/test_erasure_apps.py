"""The erasers other apps register: erasing a person leaves none of their rows there."""

from __future__ import annotations

import pytest

from kinfolk.casework.models import BehalfAction, CaseNote, Concern
from kinfolk.imports.models import Invitee
from kinfolk.introductions.models import Introduction
from kinfolk.privacy.erasure import person_erase
from kinfolk.testing import make_pairing

pytestmark = pytest.mark.django_db


def test_erasing_a_household_removes_its_casework_introduction_and_import_rows(
    programme, volunteer, household, coordinator
):
    pairing = make_pairing(volunteer, household)
    CaseNote.objects.create(
        programme=programme, household=household, channel="phone", words="zq-note-person"
    )
    CaseNote.objects.create(
        programme=programme, pairing=pairing, channel="phone", words="zq-note-pairing"
    )
    Concern.objects.create(
        programme=programme, pairing=pairing, source="household", words="zq-concern"
    )
    Introduction.objects.create(household=household, about_me="zq-about", interests="zq-likes")
    Invitee.objects.create(programme=programme, household=household, email="zq@example.org")
    kept = CaseNote.objects.create(
        programme=programme, volunteer=volunteer, channel="phone", words="about Vera only"
    )

    person_erase(person=household)

    assert not CaseNote.objects.exclude(pk=kept.pk).exists()
    assert not Concern.objects.exists()
    assert not BehalfAction.objects.filter(household=household).exists()
    assert not Introduction.objects.filter(household=household).exists()
    assert not Invitee.objects.filter(household=household).exists()
    assert CaseNote.objects.filter(pk=kept.pk).exists()
