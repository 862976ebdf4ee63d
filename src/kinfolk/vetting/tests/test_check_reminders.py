"""30 days before a check expires, the volunteer and the coordinators are reminded, once."""

import datetime as dt

from django.utils import timezone

from kinfolk.outbox.models import Message
from kinfolk.testing import make_coordinator, make_user, make_volunteer
from kinfolk.ticks.services import tick_run
from kinfolk.vetting.models import CheckExpiry
from kinfolk.vetting.selectors import checks_expiring
from kinfolk.vetting.services import check_reminders_send, check_renew
from kinfolk.vetting.tests.helpers import days, make_check


def _reminders():
    return Message.objects.filter(purpose__startswith="check_expiry")


def test_the_volunteer_and_every_coordinator_are_told_30_days_before(
    programme, volunteer, coordinator
):
    second = make_coordinator(programme, make_user("cole@example.org", first_name="Cole"))
    make_check(volunteer, "references", expires_on=days(30, programme))
    assert check_reminders_send(now=timezone.now()) == 1
    assert sorted(_reminders().values_list("to", flat=True)) == sorted(
        [volunteer.user.email, coordinator.email, second.email]
    )
    mine = _reminders().get(to=volunteer.user.email)
    assert "references taken" in mine.subject or "references taken" in mine.body


def test_a_reminder_is_never_sent_twice(programme, volunteer, coordinator):
    make_check(volunteer, "references", expires_on=days(10, programme))
    check_reminders_send(now=timezone.now())
    check_reminders_send(now=timezone.now())
    tick_run(now=timezone.now() + dt.timedelta(hours=2))
    assert _reminders().count() == 2  # the volunteer and the coordinator, once each


def test_a_check_further_off_is_not_reminded_yet(programme, volunteer, coordinator):
    make_check(volunteer, "references", expires_on=days(31, programme))
    assert check_reminders_send(now=timezone.now()) == 0
    assert not _reminders().exists()


def test_a_renewed_check_is_reminded_again_before_its_new_date(programme, volunteer, coordinator):
    check = make_check(volunteer, "references", expires_on=days(5, programme))
    check_reminders_send(now=timezone.now())
    check_renew(
        volunteer=volunteer,
        kind="references",
        completed_on=days(0, programme),
        expires_on=days(20, programme),
        recorded_by=coordinator,
    )
    assert check_reminders_send(now=timezone.now()) == 1
    assert _reminders().count() == 4
    assert CheckExpiry.objects.get(volunteer_check=check).reminded


def test_nobody_is_reminded_about_someone_who_left(programme, coordinator):
    gone = make_volunteer(programme, state="left", user=make_user())
    make_check(gone, "references", expires_on=days(5, programme))
    assert check_reminders_send(now=timezone.now()) == 0


def test_a_check_the_programme_no_longer_requires_is_not_reminded(
    programme, volunteer, coordinator
):
    make_check(volunteer, "safeguarding", expires_on=days(5, programme))  # not required here
    assert check_reminders_send(now=timezone.now()) == 0


def test_checks_expiring_lists_soon_and_expired_oldest_first(programme, volunteer, other_programme):
    soon = make_check(volunteer, "references", expires_on=days(20, programme))
    gone = make_check(volunteer, "training", expires_on=days(-3, programme))
    stranger = make_volunteer(other_programme)
    make_check(stranger, "references", expires_on=days(2, other_programme))
    make_check(make_volunteer(programme), "references", expires_on=days(60, programme))
    found = [e.volunteer_check for e in checks_expiring(programme=programme)]
    assert found == [gone, soon]


def test_the_volunteer_sees_a_check_about_to_expire_or_expired_on_their_page(
    client, programme, volunteer, volunteer_user
):
    from django.urls import reverse

    make_check(volunteer, "references", expires_on=days(12, programme))
    make_check(volunteer, "training", expires_on=days(-1, programme))
    client.force_login(volunteer_user)
    page = client.get(reverse("people:volunteer_home", args=[volunteer.pk])).content.decode()
    assert 'id="own-checks"' in page
    assert "Your check (references taken) is valid until" in page
    assert "Your check (training completed) expired on" in page


def test_a_check_far_from_its_date_is_not_shown_to_the_volunteer(
    client, programme, volunteer, volunteer_user
):
    from django.urls import reverse

    make_check(volunteer, "references", expires_on=days(200, programme))
    client.force_login(volunteer_user)
    page = client.get(reverse("people:volunteer_home", args=[volunteer.pk])).content.decode()
    assert 'id="own-checks"' not in page
