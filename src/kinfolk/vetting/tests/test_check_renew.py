"""Renewing a check: a new date, a new expiry; bad dates are refused and change nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.people.models import VolunteerCheck
from kinfolk.testing import make_volunteer
from kinfolk.vetting.models import CheckExpiry, CheckValidity
from kinfolk.vetting.tests.helpers import days, make_check


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _url(volunteer):
    return reverse("vetting:check_renew", args=[volunteer.programme_id, volunteer.pk])


def _stored(volunteer):
    return [
        (c.kind, c.completed_on, getattr(getattr(c, "expiry", None), "expires_on", None))
        for c in VolunteerCheck.objects.filter(volunteer=volunteer).select_related("expiry")
    ]


def test_renewing_gives_the_check_a_new_date_from_the_validity(signed_in, programme, volunteer):
    CheckValidity.objects.create(programme=programme, kind="references", months=12)
    make_check(volunteer, "references", expires_on=days(-5, programme), explicit=False)
    done = days(-1, programme)
    response = signed_in.post(_url(volunteer), {"kind": "references", "completed_on": done})
    assert response.status_code == 302
    [(kind, completed_on, expires_on)] = _stored(volunteer)
    assert (kind, completed_on) == ("references", done)
    assert expires_on > programme.today()


def test_an_explicit_date_wins_over_the_validity(signed_in, programme, volunteer):
    CheckValidity.objects.create(programme=programme, kind="training", months=12)
    done, until = days(-1, programme), days(90, programme)
    signed_in.post(_url(volunteer), {"kind": "training", "completed_on": done, "expires_on": until})
    assert _stored(volunteer) == [("training", done, until)]
    assert CheckExpiry.objects.get().explicit


def test_an_expiry_before_the_check_date_is_refused_and_nothing_changes(
    signed_in, programme, volunteer
):
    make_check(volunteer, "references", expires_on=days(-5, programme))
    before = _stored(volunteer)
    done = days(-1, programme)
    page = signed_in.post(
        _url(volunteer),
        {"kind": "references", "completed_on": done, "expires_on": done - dt.timedelta(days=1)},
    ).content.decode()
    assert "A check cannot expire before it was done" in page
    assert _stored(volunteer) == before


def test_a_check_done_in_the_future_is_refused(signed_in, programme, volunteer):
    page = signed_in.post(
        _url(volunteer), {"kind": "references", "completed_on": days(3, programme)}
    ).content.decode()
    assert "This date is in the future" in page
    assert _stored(volunteer) == []


def test_no_check_is_renewed_for_someone_who_has_left(signed_in, programme):
    gone = make_volunteer(programme, state="left", first_name="Gil")
    page = signed_in.post(
        _url(gone), {"kind": "references", "completed_on": days(-1, programme)}
    ).content.decode()
    assert "has left the programme" in page
    assert _stored(gone) == []


def test_another_programmes_volunteer_is_a_404(signed_in, programme, other_programme):
    stranger = make_volunteer(other_programme, first_name="Stan")
    url = reverse("vetting:check_renew", args=[programme.pk, stranger.pk])
    assert signed_in.get(url).status_code == 404
    assert (
        signed_in.post(url, {"kind": "references", "completed_on": "2026-01-01"}).status_code == 404
    )
    assert _stored(stranger) == []


def test_another_programmes_coordinator_cannot_renew(
    client, programme, volunteer, other_coordinator
):
    client.force_login(other_coordinator)
    response = client.post(_url(volunteer), {"kind": "references", "completed_on": "2026-01-01"})
    assert response.status_code == 404
    assert _stored(volunteer) == []


def test_a_volunteer_cannot_renew_their_own_check(client, volunteer, volunteer_user):
    client.force_login(volunteer_user)
    response = client.post(_url(volunteer), {"kind": "references", "completed_on": "2026-01-01"})
    assert response.status_code == 404
    assert _stored(volunteer) == []
