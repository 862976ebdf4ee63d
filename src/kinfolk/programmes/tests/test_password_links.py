"""A coordinator e-mails a participant of their programme a link to choose a new password."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kinfolk.accounts.models import AccountEvent
from kinfolk.accounts.services.passwords import password_link_send_to_participant
from kinfolk.testing import make_user, make_volunteer, otp_force_login


def _volunteer_url(programme, volunteer) -> str:
    return reverse("programmes:volunteer_password_link", args=[programme.pk, volunteer.pk])


def _household_url(programme, household) -> str:
    return reverse("programmes:household_password_link", args=[programme.pk, household.pk])


def _send(client, url, capture, data=None, **meta):
    with capture(execute=True):
        return client.post(url, data or {}, **meta)


def _nothing_sent() -> None:
    assert not mail.outbox
    assert not AccountEvent.objects.exists()


def test_the_volunteers_page_offers_the_link(client, programme, coordinator, volunteer):
    client.force_login(coordinator)
    page = client.get(reverse("programmes:volunteer_detail", args=[programme.pk, volunteer.pk]))
    assert _volunteer_url(programme, volunteer).encode() in page.content


def test_a_coordinator_sends_a_volunteer_a_link_that_works_and_is_recorded(
    client, programme, coordinator, volunteer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = _send(
        client, _volunteer_url(programme, volunteer), django_capture_on_commit_callbacks
    )
    assert response["Location"] == reverse(
        "programmes:volunteer_detail", args=[programme.pk, volunteer.pk]
    )
    (message,) = mail.outbox
    assert message.to == ["vera@example.org"]
    assert "Cora has sent you a link" in message.body
    event = AccountEvent.objects.get()
    assert (event.kind, event.user, event.by, event.programme) == (
        "password_link_sent",
        volunteer.user,
        coordinator,
        programme,
    )
    link = re.search(r"https?://[^/\s]+(/accounts/password/\S+/)", message.body).group(1)
    client.logout()
    form = client.get(link)["Location"]
    password = "a quiet new pass phrase"
    client.post(form, {"new_password1": password, "new_password2": password})
    volunteer.user.refresh_from_db()
    assert volunteer.user.check_password(password)


def test_a_coordinator_sends_the_chosen_adult_of_a_household_a_link(
    client, programme, coordinator, household, django_capture_on_commit_callbacks
):
    second = make_user("kofi@example.org", first_name="Kofi")
    member = household.members.create(user=second)
    client.force_login(coordinator)
    page = client.get(reverse("programmes:household_detail", args=[programme.pk, household.pk]))
    assert b"Kofi" in page.content
    _send(
        client,
        _household_url(programme, household),
        django_capture_on_commit_callbacks,
        {"member": member.pk},
    )
    assert [m.to for m in mail.outbox] == [["kofi@example.org"]]
    assert AccountEvent.objects.get().user == second


@pytest.mark.parametrize("member", ["", "abc", "999999"])
def test_a_household_link_needs_one_of_its_own_adults(
    client, programme, coordinator, household, member, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = _household_url(programme, household)
    assert (
        _send(client, url, django_capture_on_commit_callbacks, {"member": member}).status_code
        == 404
    )
    _nothing_sent()


def test_an_adult_of_another_household_is_not_found(
    client, programme, coordinator, household, other_household, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    stranger = other_household.members.get()
    url = _household_url(programme, household)
    response = _send(client, url, django_capture_on_commit_callbacks, {"member": stranger.pk})
    assert response.status_code == 404
    _nothing_sent()


def test_another_programmes_volunteer_is_not_found_under_this_programme(
    client, programme, coordinator, other_volunteer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = _volunteer_url(programme, other_volunteer)
    assert _send(client, url, django_capture_on_commit_callbacks).status_code == 404
    _nothing_sent()


@pytest.mark.parametrize(
    "who", ["other_coordinator", "volunteer_user", "household_user", "site_admin"]
)
def test_nobody_but_the_programmes_coordinators_sends_a_link(
    client, request, programme, volunteer, who, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(who)
    if user.is_staff:
        otp_force_login(client, user)
    else:
        client.force_login(user)
    url = _volunteer_url(programme, volunteer)
    assert _send(client, url, django_capture_on_commit_callbacks).status_code == 404
    assert client.get(url).status_code == 405
    _nothing_sent()


def test_a_volunteer_without_an_account_is_told_about_not_sent_to(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    paper = make_volunteer(programme, first_name="Pat")
    client.force_login(coordinator)
    response = _send(client, _volunteer_url(programme, paper), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert b"Pat has no account to sign in with" in client.get(response["Location"]).content
    _nothing_sent()


def test_the_service_checks_the_coordinators_programme_and_the_persons(
    programme, other_programme, other_coordinator, volunteer
):
    # Not a coordinator of the programme named:
    with pytest.raises(PermissionDenied):
        password_link_send_to_participant(
            coordinator=other_coordinator, programme=programme, user=volunteer.user
        )
    # Their own programme, but someone who does not take part in it:
    with pytest.raises(PermissionDenied):
        password_link_send_to_participant(
            coordinator=other_coordinator, programme=other_programme, user=volunteer.user
        )
    assert not AccountEvent.objects.exists()


@pytest.fixture
def two_an_hour(settings):
    limit = {"ip": (2, 3600), "address": (2, 3600)}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_link": limit}


def test_links_to_one_person_are_limited(
    client, programme, coordinator, volunteer, two_an_hour, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = _volunteer_url(programme, volunteer)
    for ip in ("10.0.0.1", "10.0.0.2"):
        _send(client, url, django_capture_on_commit_callbacks, REMOTE_ADDR=ip)
    third = _send(client, url, django_capture_on_commit_callbacks, REMOTE_ADDR="10.0.0.3")
    assert third.status_code == 429
    assert len(mail.outbox) == AccountEvent.objects.count() == 2


def test_links_from_one_ip_are_limited(
    client, programme, coordinator, two_an_hour, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    people = [make_volunteer(programme, user=make_user()) for _ in range(3)]
    for person in people[:2]:
        _send(client, _volunteer_url(programme, person), django_capture_on_commit_callbacks)
    third = _send(client, _volunteer_url(programme, people[2]), django_capture_on_commit_callbacks)
    assert third.status_code == 429
    assert len(mail.outbox) == 2
