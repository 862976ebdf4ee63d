"""Case notes: a dated log per person and pairing, read by the person unless safeguarding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.casework.models import CaseNote
from kinfolk.casework.selectors import records_about
from kinfolk.casework.services import CaseworkError
from kinfolk.casework.services.notes import check_in_record, note_write


def test_coordinator_adds_a_note_from_the_person_page(coordinator_client, programme, household):
    url = reverse("casework:household_note", args=[programme.pk, household.pk])
    response = coordinator_client.post(
        url, {"channel": "phone", "words": "Asked about the next window."}, follow=True
    )
    page = response.content.decode()
    assert "Note saved." in page
    assert "Asked about the next window." in page
    note = CaseNote.objects.get()
    assert (note.household, note.channel, note.kind) == (household, "phone", "note")


def test_a_note_on_another_programmes_person_is_refused_and_nothing_changes(
    programme, coordinator, other_volunteer
):
    with pytest.raises(CaseworkError, match="not in this programme"):
        note_write(
            programme=programme, subject=other_volunteer, by=coordinator, channel="phone", words="x"
        )
    assert not CaseNote.objects.exists()


def test_another_programmes_coordinator_cannot_post_a_note(
    client, other_coordinator, programme, household
):
    client.force_login(other_coordinator)
    url = reverse("casework:household_note", args=[programme.pk, household.pk])
    assert client.post(url, {"channel": "phone", "words": "x"}).status_code == 404
    assert not CaseNote.objects.exists()


def test_a_check_in_on_an_ended_pairing_is_refused_and_nothing_changes(
    programme, coordinator, pairing
):
    pairing.state, pairing.ended_at = "ended", timezone.now()
    pairing.save(update_fields=["state", "ended_at"])
    with pytest.raises(CaseworkError, match="ended"):
        check_in_record(
            programme=programme, pairing=pairing, by=coordinator, channel="phone", words="Hi"
        )
    assert not CaseNote.objects.exists()


def test_a_check_in_on_an_ended_pairing_says_why_on_the_page(
    coordinator_client, programme, pairing
):
    pairing.state, pairing.ended_at = "ended", timezone.now()
    pairing.save(update_fields=["state", "ended_at"])
    url = reverse("casework:check_in", args=[programme.pk, pairing.pk])
    response = coordinator_client.post(url, {"channel": "phone", "words": "Hello"})
    assert "This pairing has ended" in response.content.decode()
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize(
    ("words", "follow_up", "message"),
    [("   ", None, "Write a short note"), ("ok", -1, "in the past")],
)
def test_bad_notes_are_refused(programme, coordinator, household, words, follow_up, message):
    day = programme.today() + dt.timedelta(days=follow_up) if follow_up else None
    with pytest.raises(CaseworkError, match=message):
        note_write(
            programme=programme,
            subject=household,
            by=coordinator,
            channel="phone",
            words=words,
            follow_up_on=day,
        )
    assert not CaseNote.objects.exists()


def test_the_person_reads_notes_in_my_data_but_not_safeguarding_ones(
    client, programme, coordinator, pairing, household_user
):
    note_write(
        programme=programme, subject=pairing, by=coordinator, channel="phone", words="Met up"
    )
    note_write(
        programme=programme,
        subject=pairing.household,
        by=coordinator,
        channel="in_person",
        words="Kept back",
        safeguarding=True,
    )
    assert [n.words for n in records_about(pairing.household).notes] == ["Met up"]
    client.force_login(household_user)
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "Met up" in page
    assert "Kept back" not in page
    assert "safeguarding" in page  # the exemption is stated


def test_the_person_page_says_notes_exist_and_links_to_my_data(
    client, programme, coordinator, household, household_user
):
    note_write(programme=programme, subject=household, by=coordinator, channel="phone", words="Hi")
    client.force_login(household_user)
    page = client.get(reverse("people:household_home", args=[household.pk])).content.decode()
    assert "There is 1 note about you." in page
    assert reverse("privacy:my_data") in page
