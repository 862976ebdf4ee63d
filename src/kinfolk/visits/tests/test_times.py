"""The host controls the door: propose, accept, decline, answer with another time."""

import datetime as dt

import pytest
from django.utils import timezone

from kinfolk.privacy.services import contact_details_write
from kinfolk.visits.models import TimeProposal, Visit
from kinfolk.visits.services import VisitError
from kinfolk.visits.services.times import time_accept, time_decline, time_propose
from kinfolk.visits.tests.conftest import at


def _tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


def _state(visit):
    visit.refresh_from_db()
    return (
        visit.state,
        visit.agreed_at,
        sorted(TimeProposal.objects.values_list("id", "state", "starts_at")),
    )


def test_the_guest_proposes_and_the_host_accepts(visit, volunteer, household):
    time = time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()))
    assert time.state == "open" and time.proposed_by == "volunteer"
    time_accept(visit_id=visit.pk, time_id=time.pk, person=household)
    visit.refresh_from_db()
    assert visit.state == "agreed" and visit.agreed_at == at(_tomorrow())


def test_the_host_declines_with_no_reason_and_answers_with_another_time(
    visit, volunteer, household
):
    first = time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()))
    time_decline(visit_id=visit.pk, time_id=first.pk, person=household)
    second = time_propose(visit_id=visit.pk, person=household, starts_at=at(_tomorrow(), 11))
    time_accept(visit_id=visit.pk, time_id=second.pk, person=volunteer)
    first.refresh_from_db()
    visit.refresh_from_db()
    assert first.state == "declined"
    assert visit.state == "agreed" and visit.agreed_at == at(_tomorrow(), 11)


def test_answering_with_another_time_replaces_the_open_one(visit, volunteer, household):
    first = time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()))
    time_propose(visit_id=visit.pk, person=household, starts_at=at(_tomorrow(), 11))
    first.refresh_from_db()
    assert first.state == "superseded"


def test_accepting_a_time_the_other_side_has_since_changed_is_refused(visit, volunteer, household):
    old = time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()))
    time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow(), 20))
    before = _state(visit)
    with pytest.raises(VisitError, match="changed since you opened the page"):
        time_accept(visit_id=visit.pk, time_id=old.pk, person=household)
    assert _state(visit) == before


@pytest.mark.parametrize(
    ("days", "hour", "message"),
    [(30, 18, "inside this visit's window"), (-3, 18, "already passed")],
)
def test_a_time_outside_the_window_or_past_is_refused(visit, volunteer, days, hour, message):
    before = _state(visit)
    with pytest.raises(VisitError, match=message):
        time_propose(
            visit_id=visit.pk,
            person=volunteer,
            starts_at=at(timezone.localdate() + dt.timedelta(days=days), hour),
        )
    assert _state(visit) == before


def test_a_time_in_a_blackout_is_refused(visit, volunteer, household):
    day = _tomorrow()
    household.blackout = f"{day.isoformat()}..{day.isoformat()}"
    household.save(update_fields=["blackout"])
    before = _state(visit)
    with pytest.raises(VisitError, match="keeps free of visits"):
        time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(day))
    assert _state(visit) == before


def test_nobody_answers_their_own_time(visit, volunteer):
    time = time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()))
    with pytest.raises(VisitError, match="You proposed this time"):
        time_accept(visit_id=visit.pk, time_id=time.pk, person=volunteer)


def test_someone_elses_visit_is_refused(visit, programme):
    from kinfolk.testing import make_volunteer

    stranger = make_volunteer(programme, first_name="Stan")
    before = _state(visit)
    with pytest.raises(VisitError, match="not one of your visits"):
        time_propose(visit_id=visit.pk, person=stranger, starts_at=at(_tomorrow()))
    assert _state(visit) == before


def test_no_times_while_one_side_is_paused(visit, volunteer, household):
    household.state = "paused"
    household.save(update_fields=["state"])
    with pytest.raises(VisitError, match="paused"):
        time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()))


def test_a_decline_changes_nothing_but_the_proposal(visit, volunteer, household):
    """Charter rule 2: no counter, no flag, no waiting date moves."""
    waiting = (volunteer.waiting_since, household.waiting_since)
    time = time_propose(visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()))
    time_decline(visit_id=visit.pk, time_id=time.pk, person=household)
    volunteer.refresh_from_db()
    household.refresh_from_db()
    visit.refresh_from_db()
    assert (volunteer.waiting_since, household.waiting_since) == waiting
    assert visit.state == "planned"
    field_names = {f.name for m in (Visit, TimeProposal) for f in m._meta.fields}
    assert not {n for n in field_names if "decline" in n or "count" in n}


@pytest.mark.parametrize("note", ["12 Example Street", "Flat 2, LS1 4AB", "ls6 2bh"])
def test_a_public_place_note_that_is_an_address_is_refused(visit, volunteer, note):
    contact_details_write(person=volunteer, address="12 Example Street")
    Visit.objects.filter(pk=visit.pk).update(host="public")
    before = _state(visit)
    with pytest.raises(VisitError, match="not an address"):
        time_propose(
            visit_id=visit.pk, person=volunteer, starts_at=at(_tomorrow()), place_note=note
        )
    assert _state(visit) == before


def test_a_public_place_note_travels_with_the_agreed_time(visit, volunteer, household):
    Visit.objects.filter(pk=visit.pk).update(host="public")
    time = time_propose(
        visit_id=visit.pk,
        person=volunteer,
        starts_at=at(_tomorrow()),
        place_note="Central Library café",
    )
    agreed = time_accept(visit_id=visit.pk, time_id=time.pk, person=household)
    assert agreed.place_note == "Central Library café"
