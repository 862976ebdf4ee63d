"""A pairing's story, and the coordinator's to-do page (fixed query counts)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kinfolk.casework.services.concerns import concern_raise
from kinfolk.casework.services.notes import note_write
from kinfolk.pairings.models import MatchingRun
from kinfolk.testing import (
    make_cohort,
    make_household,
    make_pairing,
    make_proposal,
    make_visit,
    make_volunteer,
)


def test_the_story_tells_the_pairing_in_order(coordinator_client, programme, coordinator):
    volunteers, households = make_cohort(programme, n=1)
    run = MatchingRun.objects.create(programme=programme, status="sent")
    proposal = make_proposal(volunteers[0], households[0], run=run, state="accepted")
    proposal.volunteer_answer = proposal.household_answer = "accepted"
    proposal.save(update_fields=["volunteer_answer", "household_answer"])
    pairing = make_pairing(volunteers[0], households[0], proposal=proposal)
    make_visit(pairing, state="happened", volunteer_outcome="happened", household_rating=5)
    note_write(programme=programme, subject=pairing, by=coordinator, channel="phone", words="NOTE")
    pairing.state, pairing.ended_at, pairing.ended_by = "ended", timezone.now(), "household"
    pairing.save(update_fields=["state", "ended_at", "ended_by"])
    page = coordinator_client.get(
        reverse("casework:pairing_story", args=[programme.pk, pairing.pk])
    ).content.decode()
    order = ["Proposed by the matching run", "Languages you share", "Their answers", "rated 5 of 5"]
    order += ["NOTE", "(the household) ended it."]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)


def test_both_person_pages_link_to_the_story(coordinator_client, programme, pairing):
    story = reverse("casework:pairing_story", args=[programme.pk, pairing.pk])
    for name, pk in (
        ("programmes:volunteer_detail", pairing.volunteer_id),
        ("programmes:household_detail", pairing.household_id),
    ):
        assert (
            story in coordinator_client.get(reverse(name, args=[programme.pk, pk])).content.decode()
        )
    pairings_page = coordinator_client.get(reverse("matching:pairings", args=[programme.pk]))
    assert story in pairings_page.content.decode()


def test_another_programmes_coordinator_gets_404_for_the_story(
    client, other_coordinator, programme, pairing
):
    client.force_login(other_coordinator)
    url = reverse("casework:pairing_story", args=[programme.pk, pairing.pk])
    assert client.get(url).status_code == 404


def _busy(programme, n, prefix):
    volunteers, households = make_cohort(programme, n=n, prefix=prefix)
    today = programme.today()
    for i, (v, h) in enumerate(zip(volunteers, households, strict=True)):
        if i % 2:
            make_proposal(v, h, days=1)
        else:
            pairing = make_pairing(v, h, started_on=today)
            visit = make_visit(pairing, window_start=today - dt.timedelta(days=3))
            concern_raise(volunteer=v, visit=visit, by=None, words="x")
        make_volunteer(programme, state="applied", external_id=f"{prefix}A{i}")
    MatchingRun.objects.create(programme=programme, status="ready")


def test_the_todo_lists_each_kind_with_links(coordinator_client, programme, applicant):
    _busy(programme, 2, "T")
    page = coordinator_client.get(reverse("casework:todo", args=[programme.pk])).content.decode()
    assert reverse("programmes:volunteer_approve", args=[programme.pk, applicant.pk]) in page
    for section in ("concerns", "applicants", "check-ins", "lapsing", "runs", "unreachable"):
        assert f'id="todo-{section}"' in page
    # Checks expire only where the vetting app records their dates.
    assert ("Checks about to expire" in page) == _vetting_installed()


def _vetting_installed():
    try:
        import kinfolk.vetting.selectors  # noqa: F401
    except ImportError:
        return False
    return True


def test_the_todo_lists_expiring_checks_when_their_dates_are_recorded(
    coordinator_client, programme, monkeypatch
):
    import sys
    import types

    from kinfolk.people.models import VolunteerCheck

    vetting = types.ModuleType("kinfolk.vetting.selectors")
    vetting.checks_expiring = lambda **_kw: VolunteerCheck.objects.none()
    monkeypatch.setitem(sys.modules, "kinfolk.vetting.selectors", vetting)
    page = coordinator_client.get(reverse("casework:todo", args=[programme.pk])).content.decode()
    assert 'id="todo-expiring"' in page


def test_the_todo_lists_people_who_cannot_be_reached_until_a_phone_is_added(
    coordinator_client, programme, coordinator
):
    from kinfolk.casework.jobs import unreachable_people_job
    from kinfolk.casework.services.behalf import behalf_profile_edit
    from kinfolk.people.forms import ProfileForm

    lost = make_volunteer(programme, user=None, phone="", first_name="Nobody")
    paper = make_household(programme, phone="", first_name="Paper")
    make_volunteer(programme, user=None, first_name="Phoned")  # has a phone
    assert "2 people who cannot be reached" in unreachable_people_job(timezone.now())
    url = reverse("casework:todo", args=[programme.pk])
    page = coordinator_client.get(url).content.decode()
    assert reverse("casework:volunteer_profile", args=[programme.pk, lost.pk]) in page
    assert reverse("casework:household_profile", args=[programme.pk, paper.pk]) in page
    assert "Phoned" not in page
    data = ProfileForm.initial_for(lost, viewer=coordinator)
    data |= {"phone": "+44 113 496 0123", "availability": "mon-am", "offers": "", "accepts": ""}
    data |= {"lat": lost.lat, "lon": lost.lon}
    behalf_profile_edit(
        programme=programme, person=lost, by=coordinator, asked_by="phone", data=data
    )
    page = coordinator_client.get(url).content.decode()
    assert reverse("casework:volunteer_profile", args=[programme.pk, lost.pk]) not in page


def test_the_todo_query_count_does_not_grow_with_rows(
    coordinator_client, programme, django_assert_max_num_queries
):
    from kinfolk.casework.selectors.todo import SHOWN

    url = reverse("casework:todo", args=[programme.pk])
    # Every section full (a short one is not counted, a full one is): from there on, flat.
    _busy(programme, 2 * SHOWN + 2, "S")
    with django_assert_max_num_queries(40) as full:
        coordinator_client.get(url)
    _busy(programme, 8, "L")
    with django_assert_max_num_queries(len(full.captured_queries)):
        coordinator_client.get(url)


def test_a_follow_up_is_due_until_a_later_note_answers_it(
    coordinator_client, programme, coordinator, household
):
    from kinfolk.casework.models import CaseNote
    from kinfolk.casework.services.notes import note_write

    note = note_write(
        programme=programme,
        subject=household,
        by=coordinator,
        channel="phone",
        words="Call back about the holidays",
        follow_up_on=programme.today(),
    )
    url = reverse("casework:todo", args=[programme.pk])
    assert "Call back about the holidays" in coordinator_client.get(url).content.decode()
    CaseNote.objects.filter(pk=note.pk).update(written_at=timezone.now() - dt.timedelta(days=2))
    note_write(
        programme=programme, subject=household, by=coordinator, channel="phone", words="Done"
    )
    assert "Call back about the holidays" not in coordinator_client.get(url).content.decode()
