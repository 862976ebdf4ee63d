"""Acting on someone's behalf: the same effect as their own button, with a record they read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.accounts.models import AccountEvent
from kinfolk.casework.models import BehalfAction
from kinfolk.casework.services import CaseworkError
from kinfolk.casework.services.behalf import behalf_pause
from kinfolk.people.services.participation import participant_leave


def _behalf(client, programme, person, **data):
    url = reverse(f"casework:{person.side}_behalf", args=[programme.pk, person.pk])
    return client.post(url, data, follow=True)


def test_pausing_a_household_after_a_phone_call_is_recorded_and_shown_to_it(
    coordinator_client, client, programme, coordinator, household, household_user
):
    response = _behalf(coordinator_client, programme, household, action="pause", asked_by="phone")
    assert "Done on <bdi>Hana</bdi>" in response.content.decode()
    household.refresh_from_db()
    assert household.state == "paused"
    action = BehalfAction.objects.get()
    assert (action.action, action.asked_by, action.acted_by, action.household) == (
        "pause",
        "phone",
        coordinator,
        household,
    )
    client.force_login(household_user)
    home = client.get(reverse("people:household_home", args=[household.pk])).content.decode()
    assert "Paused taking part" in home and "by phone" in home and "Cora" in home
    assert "Paused taking part" in client.get(reverse("privacy:my_data")).content.decode()


def test_an_action_on_behalf_of_someone_who_left_is_refused_and_nothing_changes(
    programme, coordinator, household
):
    participant_leave(person=household)
    with pytest.raises(CaseworkError, match="has left the programme"):
        behalf_pause(programme=programme, person=household, by=coordinator, asked_by="phone")
    assert not BehalfAction.objects.exists()


def test_the_page_refuses_someone_who_left_with_a_clear_message(
    coordinator_client, programme, household
):
    participant_leave(person=household)
    response = _behalf(coordinator_client, programme, household, action="resume", asked_by="letter")
    assert "has left the programme" in response.content.decode()
    assert not BehalfAction.objects.exists()


def test_a_refused_step_says_why_and_records_nothing(coordinator_client, programme, household):
    response = _behalf(coordinator_client, programme, household, action="resume", asked_by="phone")
    assert "Only someone who paused can resume." in response.content.decode()
    assert not BehalfAction.objects.exists()


def test_ending_a_pairing_on_the_households_behalf(
    coordinator_client, programme, pairing, household
):
    _behalf(coordinator_client, programme, household, action="pairing_end", asked_by="letter")
    pairing.refresh_from_db()
    assert (pairing.state, pairing.ended_by) == ("ended", "household")
    assert BehalfAction.objects.get().pairing == pairing


def test_recording_a_visit_outcome_after_a_call(
    coordinator_client, programme, pairing, past_visit, volunteer
):
    _behalf(
        coordinator_client,
        programme,
        volunteer,
        action="outcome",
        asked_by="phone",
        visit=past_visit.pk,
        happened="yes",
    )
    past_visit.refresh_from_db()
    assert past_visit.volunteer_outcome == "happened"
    assert BehalfAction.objects.get().visit == past_visit


def test_an_outcome_for_someone_elses_visit_is_refused(
    coordinator_client, programme, pairing, past_visit, other_household
):
    _behalf(
        coordinator_client,
        programme,
        other_household,
        action="outcome",
        asked_by="phone",
        visit=past_visit.pk,
        happened="yes",
    )
    past_visit.refresh_from_db()
    assert past_visit.household_outcome == ""
    assert not BehalfAction.objects.exists()


def test_sending_a_password_link_on_their_behalf(coordinator_client, programme, volunteer):
    _behalf(coordinator_client, programme, volunteer, action="password_link", asked_by="phone")
    assert AccountEvent.objects.filter(kind="password_link_sent", user=volunteer.user).exists()
    assert BehalfAction.objects.get().action == "password_link"


def test_editing_a_profile_on_their_behalf(coordinator_client, programme, household):
    url = reverse("casework:household_profile", args=[programme.pk, household.pk])
    form = coordinator_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"first_name": "Hanna", "asked_by": "in_person"}
    response = coordinator_client.post(url, data, follow=True)
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.first_name == "Hanna"
    assert BehalfAction.objects.get().asked_by == "in_person"


def test_another_programmes_coordinator_cannot_act(client, other_coordinator, programme, household):
    client.force_login(other_coordinator)
    url = reverse("casework:household_behalf", args=[programme.pk, household.pk])
    assert client.post(url, {"action": "pause", "asked_by": "phone"}).status_code == 404
    household.refresh_from_db()
    assert household.state == "active"


def test_participants_reach_no_casework_page(client, programme, household, volunteer_user):
    client.force_login(volunteer_user)
    for name in ("casework:todo", "casework:check_ins", "casework:concerns"):
        assert client.get(reverse(name, args=[programme.pk])).status_code == 404
    url = reverse("casework:household_behalf", args=[programme.pk, household.pk])
    assert client.get(url).status_code == 404


def test_sending_an_invitation_again_replaces_the_old_link(
    coordinator_client, programme, coordinator, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from kinfolk.people.models import Invitation
    from kinfolk.testing import make_volunteer

    paper = make_volunteer(programme, user=None, state="applied", first_name="Pat")
    old = Invitation.objects.create(
        programme=programme,
        role="link",
        email="pat@example.org",
        first_name="Pat",
        volunteer=paper,
        expires_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _behalf(coordinator_client, programme, paper, action="invitation_resend", asked_by="phone")
    fresh = Invitation.objects.get(volunteer=paper)
    assert fresh.pk != old.pk and fresh.expires_at > timezone.now()
    assert BehalfAction.objects.get().action == "invitation_resend"


def test_the_story_and_person_page_cost_the_same_queries_however_long_the_log(
    coordinator_client, programme, coordinator, pairing, django_assert_max_num_queries
):
    from kinfolk.casework.services.notes import note_write
    from kinfolk.testing import make_visit

    story = reverse("casework:pairing_story", args=[programme.pk, pairing.pk])
    person = reverse("programmes:household_detail", args=[programme.pk, pairing.household_id])

    def counts():
        found = []
        for url in (story, person):
            with django_assert_max_num_queries(60) as q:
                coordinator_client.get(url)
            found.append(len(q.captured_queries))
        return found

    note_write(programme=programme, subject=pairing, by=coordinator, channel="phone", words="a")
    before = counts()
    for i in range(5):
        note_write(programme=programme, subject=pairing, by=coordinator, channel="phone", words="b")
        make_visit(
            pairing,
            window_start=programme.today() + dt.timedelta(days=60 * (i + 1)),
        )
    behalf_pause(programme=programme, person=pairing.household, by=coordinator, asked_by="phone")
    after = counts()
    assert after[0] == before[0]
    assert after[1] <= before[1] + 2  # the pause adds its own rows (state), not per-row queries
