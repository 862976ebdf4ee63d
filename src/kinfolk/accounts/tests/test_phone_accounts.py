"""Accounts that sign in with a mobile number (people invited by text message).

Sign-in, the lock-out after wrong passwords, the forgotten-password link (sent
by text message) and its rate limit all name the account by its number in
E.164, however the person writes it.
"""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from kinfolk.outbox.models import Message

LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")
OLD, NEW = "an old pass phrase", "a brand new pass phrase"
NUMBER = "+447700100123"


@pytest.fixture
def nadia(db):
    return get_user_model().objects.create_user(None, OLD, phone=NUMBER, first_name="Nadia")


def _sign_in(client, name: str, password: str = OLD):
    return client.post(LOGIN, {"username": name, "password": password})


@pytest.mark.parametrize("written", ["+447700100123", "07700 100123", "+44 (0)7700-100123"])
def test_a_phone_account_signs_in_with_its_number_however_written(nadia, written):
    client = Client()
    assert _sign_in(client, written).status_code == 302
    assert client.session["_auth_user_id"] == str(nadia.pk)


def test_a_wrong_password_for_a_number_does_not_sign_in(nadia):
    response = _sign_in(Client(), "07700 100123", "wrong guess")
    assert response.status_code == 200
    assert b"E-mail address or mobile number" in response.content


def test_wrong_passwords_lock_out_the_number_however_it_is_written(nadia, settings):
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT = True, 3
    client = Client()
    for written in ("07700 100123", "+44 7700 100123", "+447700100123"):
        _sign_in(client, written, "wrong guess")
    assert AccessAttempt.objects.get().username == NUMBER
    locked = _sign_in(client, NUMBER)
    assert locked.status_code == 429


def test_an_account_needs_an_address_or_a_number(db):
    with pytest.raises(IntegrityError):
        get_user_model().objects.create(first_name="Nobody", email=None, phone=None)


def test_two_accounts_cannot_share_a_number(nadia):
    # The index is built by hand in the migration (online), so prove that it holds.
    with pytest.raises(IntegrityError):
        get_user_model().objects.create(email=None, phone=NUMBER, first_name="Twin")


def test_many_phone_accounts_have_no_e_mail_address(nadia):
    other = get_user_model().objects.create_user(None, OLD, phone="+447700100124", first_name="O")
    assert nadia.email is None and other.email is None
    assert str(other) == "+447700100124"


def _ask(client, name: str, capture, **meta):
    with capture(execute=True):
        return client.post(RESET, {"email": name}, **meta)


def test_a_forgotten_password_link_goes_by_text_message(
    client, nadia, django_capture_on_commit_callbacks
):
    response = _ask(client, "07700 100123", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert not mail.outbox
    text = Message.objects.get(purpose="password_link")
    assert (text.channel, text.to, text.state) == ("sms", NUMBER, "sent")
    assert "Hello Nadia" in text.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/\S+/)", text.body).group(1)
    form = client.get(link)
    done = client.post(form["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    nadia.refresh_from_db()
    assert nadia.check_password(NEW)
    assert _sign_in(Client(), NUMBER, NEW).status_code == 302


def test_asking_for_an_unknown_number_gives_the_same_answer_and_sends_nothing(
    client, nadia, django_capture_on_commit_callbacks
):
    response = _ask(client, "07700 100999", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert not Message.objects.exists()


def test_something_neither_an_address_nor_a_number_is_refused_with_a_message(client, nadia):
    response = client.post(RESET, {"email": "mira"})
    assert response.status_code == 200
    assert b"the mobile number you sign in with" in response.content
    assert not Message.objects.exists()


def test_asking_is_limited_per_number_however_it_is_written(
    client, nadia, settings, django_capture_on_commit_callbacks
):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "password_reset": {"ip": (100, 3600), "address": (2, 3600)},
    }
    for written in ("07700 100123", "+44 7700 100123"):
        assert _ask(client, written, django_capture_on_commit_callbacks).status_code == 302
    third = _ask(client, NUMBER, django_capture_on_commit_callbacks)
    assert third.status_code == 429
    assert Message.objects.filter(purpose="password_link").count() == 2
