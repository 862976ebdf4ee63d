"""Phone numbers: validated where they are entered, stored in E.164, old ones normalised."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from kinfolk.privacy.models import ContactDetails
from kinfolk.privacy.phones import phone_e164_or_none, phone_normalise
from kinfolk.privacy.services import contact_details_write
from kinfolk.testing import contact_of


@pytest.mark.parametrize(
    "typed", ["0113 496 0000", "(0113) 4960000", "+44 113 496 0000", "0044 113 496 0000"]
)
def test_every_way_of_writing_a_number_is_stored_as_e164(typed):
    assert phone_normalise(typed, country="GB") == "+441134960000"


def test_a_number_of_another_country_keeps_its_country_code():
    assert phone_normalise("+1 202 555 0143", country="GB") == "+12025550143"


def test_an_empty_phone_stays_empty():
    assert phone_normalise("  ", country="GB") == ""


@pytest.mark.parametrize("typed", ["12345", "call me", "0113 496", "+44 7700 900123"])
def test_a_number_that_is_not_valid_is_refused_naming_the_field(typed):
    with pytest.raises(ValidationError) as error:
        phone_normalise(typed, country="GB")
    assert error.value.messages[0].startswith("Phone:")
    assert phone_e164_or_none(typed, country="GB") is None


def test_the_service_refuses_an_invalid_phone_and_changes_nothing(volunteer):
    before = contact_of(volunteer)
    with pytest.raises(ValidationError) as error:
        contact_details_write(person=volunteer, phone="not a number", address="9 New Road")
    assert "phone" in error.value.message_dict
    assert contact_of(volunteer) == before


def test_the_service_stores_e164(volunteer):
    contact_details_write(person=volunteer, phone="0113 496 0999")
    assert contact_of(volunteer)["phone"] == "+441134960999"


def test_the_migration_normalises_old_numbers_and_leaves_the_rest(volunteer, household):
    ContactDetails.objects.filter(volunteer=volunteer).update(phone="0113 496 0456")
    ContactDetails.objects.filter(household=household).update(phone="ask at the door")
    migration = importlib.import_module("kinfolk.privacy.migrations.0004_phones_in_e164")
    migration._normalise(apps, None)
    assert contact_of(volunteer)["phone"] == "+441134960456"
    assert contact_of(household)["phone"] == "ask at the door"
