"""Public sign-up: never reveals who is registered, stores nothing before verification."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from kinfolk.people.models import Consent, Household, HouseholdMember, Volunteer
from kinfolk.people.tests.test_profile import profile_data
from kinfolk.testing import make_volunteer, without_csrf

PASSWORD = "a long and quiet river"


def _signup_url(programme) -> str:
    return reverse("people:signup", args=[programme.signup_token])


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Post the sign-up form and send its e-mail, as a committed request would."""

    def post(programme, email: str, role: str = "volunteer"):
        data = {"role": role, "first_name": "Nia", "email": email, "consent": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(_signup_url(programme), data, follow=True)

    return post


@pytest.fixture
def link(sign_up, programme) -> str:
    """The verification link of a volunteer's sign-up."""
    sign_up(programme, "nia@example.org")
    return _verify_link(mail.outbox[-1])


def _row_counts() -> tuple[int, ...]:
    models = (get_user_model(), Volunteer, Household, HouseholdMember, Consent)
    return tuple(model.objects.count() for model in models)


def _verify_link(message) -> str:
    found = re.search(r"https?://\S+(/join/verify/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def _complete(client, link: str, **changes):
    data = {"password1": PASSWORD, "password2": PASSWORD, **profile_data(first_name="Nia")}
    data.update(changes)
    return client.post(link, data)


def test_the_form_shows_the_consent_text(client, programme):
    page = client.get(_signup_url(programme)).content.decode()
    assert "I want to take part in Leeds Befriending" in page
    assert 'name="consent"' in page
    assert "checked" not in page


@pytest.mark.parametrize("role", ["volunteer", "household"])
def test_the_overviews_sign_up_link_preselects_its_role(client, programme, role):
    response = client.get(_signup_url(programme), {"role": role})
    assert response.context["form"]["role"].value() == role
    page = response.content.decode()
    assert page.count("checked") == 1
    assert re.search(rf'<input[^>]*value="{role}"[^>]*checked', page)


def test_an_unknown_role_in_the_link_preselects_nothing(client, programme):
    response = client.get(_signup_url(programme), {"role": "coordinator"})
    assert response.context["form"]["role"].value() is None
    assert "checked" not in response.content.decode()


def test_a_closed_programme_has_no_sign_up_page(client, programme):
    programme.signup_open = False
    programme.save(update_fields=["signup_open"])
    assert client.get(_signup_url(programme)).status_code == 404


def test_the_answer_is_the_same_for_a_new_and_a_registered_email(sign_up, programme, volunteer):
    new = sign_up(programme, "new.person@example.org")
    known = sign_up(programme, "VERA@example.org")
    assert new.status_code == known.status_code == 200
    assert new.redirect_chain == known.redirect_chain
    assert without_csrf(new.content) == without_csrf(known.content)
    assert "Check your inbox" in new.content.decode()


def test_a_registered_email_gets_a_sign_in_note_not_a_link(sign_up, programme, volunteer):
    sign_up(programme, "vera@example.org")
    (message,) = mail.outbox
    assert message.to == ["vera@example.org"]
    assert "already have an account" in message.body
    assert "/join/verify/" not in message.body
    assert "/accounts/password/reset/" in message.body  # the way back in, if forgotten


def test_nothing_is_stored_before_verification(sign_up, programme):
    before = _row_counts()
    sign_up(programme, "nia@example.org")
    assert _row_counts() == before
    (message,) = mail.outbox
    assert message.to == ["nia@example.org"]
    assert "/join/verify/" in message.body


def test_no_consent_ticked_answers_beside_the_field_and_sends_nothing(client, programme):
    data = {"role": "volunteer", "first_name": "Nia", "email": "nia@example.org"}
    response = client.post(_signup_url(programme), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["consent"]
    assert mail.outbox == []


def test_verification_creates_a_volunteer_who_waits_for_checks(client, link):
    assert client.get(link).status_code == 200
    response = _complete(client, link)
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:volunteer_home", args=[volunteer.pk])
    assert volunteer.state == "applied"
    assert volunteer.external_id == "V000001"
    assert volunteer.user.email_verified_at is not None
    assert volunteer.user.check_password(PASSWORD)
    consent = volunteer.consents.get()
    assert consent.method == "online"
    assert consent.given_at < volunteer.created_at
    # Signed in straight away.
    assert client.get(response.url).status_code == 200


def test_verification_creates_an_active_household_with_its_adult(
    client, sign_up, programme, household
):
    sign_up(programme, "nia@example.org", role="household")
    _complete(client, _verify_link(mail.outbox[-1]))
    created = Household.objects.exclude(pk=household.pk).get()
    assert created.state == "active"
    assert created.waiting_since is not None
    assert created.external_id.startswith("H") and len(created.external_id) == 7
    assert created.members.get().user.email == "nia@example.org"
    assert created.consents.get().method == "online"


def test_external_ids_are_unique_within_a_programme(client, programme, link):
    make_volunteer(programme, external_id="V000002")
    _complete(client, link)
    ids = set(Volunteer.objects.values_list("external_id", flat=True))
    assert ids == {"V000002", "V000003"}


def test_bad_profile_input_on_verification_stores_nothing(client, link):
    before = _row_counts()
    response = _complete(client, link, speaks="xx:fluent")
    assert response.status_code == 200
    assert "speaks" in response.context["form"].errors
    assert _row_counts() == before


def test_a_weak_password_is_refused_beside_the_field(client, link):
    response = _complete(client, link, password1="12345678", password2="12345678")
    assert "password1" in response.context["password_form"].errors
    assert not get_user_model().objects.exists()


def test_a_link_used_twice_creates_nothing(client, link):
    _complete(client, link)
    client.logout()
    before = _row_counts()
    for response in (client.get(link), _complete(client, link)):
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    assert _row_counts() == before


def test_a_tampered_link_is_refused(client, link):
    token = link.split("/")[-2]
    forged = reverse(
        "people:signup_verify", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")]
    )
    for response in (client.get(forged), _complete(client, forged)):
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_an_expired_link_is_refused(client, link, settings, monkeypatch):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.SIGNUP_LINK_DAYS + 1)
    monkeypatch.setattr("time.time", lambda: later.timestamp())
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


@pytest.mark.parametrize("role", ["volunteer", "household"])
def test_a_signed_in_person_can_open_the_sign_up_page(client, volunteer_user, programme, role):
    client.force_login(volunteer_user)
    assert client.get(_signup_url(programme)).status_code == 200
