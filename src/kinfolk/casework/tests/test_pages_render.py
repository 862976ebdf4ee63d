"""Every casework page opens for the programme's coordinator, and says what it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.casework.services.concerns import concern_raise


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("casework:todo", "To do"),
        ("casework:check_ins", "Check in with these pairs"),
        ("casework:concerns", "Concerns"),
    ],
)
def test_programme_pages_open_for_its_coordinator(coordinator_client, programme, name, text):
    response = coordinator_client.get(reverse(name, args=[programme.pk]))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_person_pages_and_story_open(coordinator_client, programme, pairing, past_visit):
    concern = concern_raise(
        volunteer=pairing.volunteer, visit=past_visit, by=pairing.volunteer.user, words="Late."
    )
    urls = [
        reverse("casework:pairing_story", args=[programme.pk, pairing.pk]),
        reverse("casework:check_in", args=[programme.pk, pairing.pk]),
        reverse("casework:volunteer_behalf", args=[programme.pk, pairing.volunteer_id]),
        reverse("casework:household_behalf", args=[programme.pk, pairing.household_id]),
        reverse("casework:volunteer_profile", args=[programme.pk, pairing.volunteer_id]),
        reverse("casework:household_profile", args=[programme.pk, pairing.household_id]),
        reverse("casework:concern_detail", args=[programme.pk, concern.pk]),
        reverse("programmes:volunteer_detail", args=[programme.pk, pairing.volunteer_id]),
        reverse("programmes:household_detail", args=[programme.pk, pairing.household_id]),
        reverse("programmes:overview", args=[programme.pk]),
    ]
    for url in urls:
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
