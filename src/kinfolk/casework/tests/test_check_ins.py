"""The check-in list: both people linked, the reason, the last check-in; a check-in clears it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from kinfolk.casework.models import CaseNote
from kinfolk.casework.selectors.checkins import check_in_due_list
from kinfolk.casework.services.notes import check_in_record
from kinfolk.testing import make_visit


def _list(programme):
    return check_in_due_list(programme=programme, today=programme.today())


def test_a_new_pair_whose_first_window_opened_is_listed_with_links(
    coordinator_client, programme, pairing, past_visit
):
    page = coordinator_client.get(reverse("casework:check_ins", args=[programme.pk]))
    text = page.content.decode()
    assert "first visit is due" in text
    assert reverse("programmes:volunteer_detail", args=[programme.pk, pairing.volunteer_id]) in text
    assert reverse("programmes:household_detail", args=[programme.pk, pairing.household_id]) in text
    assert reverse("casework:check_in", args=[programme.pk, pairing.pk]) in text
    assert "never" in text


def test_recording_a_check_in_takes_the_pair_off_until_the_next_signal(
    coordinator_client, programme, coordinator, pairing, past_visit
):
    assert [e.pairing for e in _list(programme)] == [pairing]
    url = reverse("casework:check_in", args=[programme.pk, pairing.pk])
    response = coordinator_client.post(url, {"channel": "phone", "words": "All fine"}, follow=True)
    assert "Check-in recorded" in response.content.decode()
    assert _list(programme) == []
    assert CaseNote.objects.get().kind == "check_in"
    # A later window the two remember differently is a new signal: back on the list.
    today = programme.today()
    make_visit(
        pairing,
        window_start=today - dt.timedelta(days=1),
        state="unconfirmed",
        volunteer_outcome="happened",
        household_outcome="missed",
    )
    later = today + dt.timedelta(days=8)
    due = check_in_due_list(programme=programme, today=later)
    assert [e.pairing for e in due] == [pairing]
    assert any("differently" in text for text, _day in due[0].reasons)
    assert due[0].last_check_in is not None


def test_a_pair_that_met_is_not_a_new_pair_due(programme, pairing, past_visit):
    past_visit.state = "happened"
    past_visit.save(update_fields=["state"])
    assert _list(programme) == []


def test_the_check_in_list_never_shows_another_programme(
    client, other_coordinator, programme, pairing, past_visit
):
    client.force_login(other_coordinator)
    assert client.get(reverse("casework:check_ins", args=[programme.pk])).status_code == 404
    url = reverse("casework:check_in", args=[programme.pk, pairing.pk])
    assert client.post(url, {"channel": "phone", "words": "x"}).status_code == 404
    assert not CaseNote.objects.exists()


def test_check_in_list_queries_do_not_grow_with_rows(
    coordinator_client, programme, coordinator, django_assert_max_num_queries
):
    from kinfolk.testing import make_cohort, make_pairing

    volunteers, households = make_cohort(programme, n=6)
    today = programme.today()
    for v, h in zip(volunteers, households, strict=True):
        make_visit(make_pairing(v, h, started_on=today), window_start=today - dt.timedelta(days=3))
    url = reverse("casework:check_ins", args=[programme.pk])
    with django_assert_max_num_queries(20):
        response = coordinator_client.get(url)
    assert response.content.decode().count('class="check-in-row"') == 6
    check_in_record(
        programme=programme,
        pairing=volunteers[0].pairings.get(),
        by=coordinator,
        channel="phone",
        words="ok",
    )
    assert len(_list(programme)) == 5
