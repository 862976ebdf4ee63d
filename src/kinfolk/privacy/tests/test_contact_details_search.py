"""Finding people by e-mail or phone: a coordinator's read of contact details, logged."""

from __future__ import annotations

import pytest

from kinfolk.privacy.models import ContactAccessLog
from kinfolk.privacy.services import (
    ContactAccessRefused,
    contact_details_search,
    contact_details_write,
)


def _search(viewer, programme, query, side="volunteer"):
    return contact_details_search(
        viewer=viewer, programme=programme, side=side, query=query, reason="test search"
    )


def test_a_coordinator_finds_a_volunteer_by_phone_and_the_find_is_logged(
    programme, coordinator, volunteer
):
    contact_details_write(person=volunteer, phone="0113 496 0321")
    assert _search(coordinator, programme, "+44 113 496 0321") == [volunteer.pk]
    log = ContactAccessLog.objects.get()
    assert (log.person_id, log.fields, log.reasons) == (volunteer.pk, "phone", "test search")


def test_a_name_is_not_a_contact_search_and_logs_nothing(programme, coordinator, volunteer):
    assert _search(coordinator, programme, "Vera") is None
    assert not ContactAccessLog.objects.exists()


def test_nobody_found_logs_nothing(programme, coordinator, volunteer):
    assert _search(coordinator, programme, "nobody@example.org") == []
    assert _search(coordinator, programme, "0113 496 0999") == []
    assert not ContactAccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["other_coordinator", "volunteer_user", "household_user"])
def test_only_the_programmes_coordinators_may_search(
    programme, volunteer, household, persona, request
):
    with pytest.raises(ContactAccessRefused):
        _search(request.getfixturevalue(persona), programme, "vera@example.org")
    assert not ContactAccessLog.objects.exists()


def test_a_search_finds_only_the_programmes_own_people(programme, coordinator, other_volunteer):
    contact_details_write(person=other_volunteer, phone="0113 496 0322")
    assert _search(coordinator, programme, "0113 496 0322") == []
    assert _search(coordinator, programme, "bea@example.org") == []
