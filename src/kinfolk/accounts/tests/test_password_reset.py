"""Self-service password reset: Django's views, a link by e-mail, nothing revealed, rate-limited."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kinfolk.testing import make_user, without_csrf

RESET = reverse("accounts:password_reset")
OLD, NEW = "an old pass phrase", "a brand new pass phrase"


@pytest.fixture
def mira(db):
    return make_user("mira@example.org", password=OLD, first_name="Mira")


def _ask(client, email: str, capture, **meta):
    with capture(execute=True):
        return client.post(RESET, {"email": email}, **meta)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/\S+/)", message.body).group(1)


def _choose(client, link: str, password: str):
    form = client.get(link)
    assert form.status_code == 302  # Django moves the token out of the address first
    return client.post(form["Location"], {"new_password1": password, "new_password2": password})


def test_the_sign_in_page_offers_the_reset(client, db):
    assert RESET.encode() in client.get(reverse("accounts:login")).content


def test_a_link_by_e_mail_sets_a_new_password(client, mira, django_capture_on_commit_callbacks):
    response = _ask(client, "MIRA@example.org", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["mira@example.org"]
    assert "Hello Mira" in message.body and "3 days" in message.body
    done = _choose(client, _link(message), NEW)
    assert done["Location"] == reverse("accounts:password_reset_complete")
    mira.refresh_from_db()
    assert mira.check_password(NEW) and not mira.check_password(OLD)
    signed_in = client.post(reverse("accounts:login"), {"username": mira.email, "password": NEW})
    assert signed_in.status_code == 302


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(
    client, mira, django_capture_on_commit_callbacks
):
    known = _ask(client, "mira@example.org", django_capture_on_commit_callbacks)
    unknown = _ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert without_csrf(client.get(known["Location"]).content) == without_csrf(
        client.get(unknown["Location"]).content
    )
    assert [m.to for m in mail.outbox] == [["mira@example.org"]]


def test_the_request_does_the_same_work_whether_or_not_an_account_exists(
    mira, settings, django_capture_on_commit_callbacks
):
    # Sending happens in a background job, queued either way; the request's own
    # work is then the same statements, so its timing tells nothing.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    statements = []
    for email in ("mira@example.org", "nobody@example.org"):
        _ask(Client(), email, django_capture_on_commit_callbacks)  # both rate counts now exist
    for email in ("mira@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            _ask(Client(), email, django_capture_on_commit_callbacks)
        statements.append([re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries])
    assert statements[0] == statements[1]
    assert not mail.outbox


def test_an_account_without_a_password_of_its_own_gets_nothing_but_the_same_answer(
    client, db, django_capture_on_commit_callbacks
):
    make_user("invited@example.org")  # never chose a password
    response = _ask(client, "invited@example.org", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert not mail.outbox


def test_a_link_works_once(client, mira, django_capture_on_commit_callbacks):
    _ask(client, "mira@example.org", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    _choose(client, link, NEW)
    again = client.get(link, follow=True)
    assert b"This link has expired" in again.content
    mira.refresh_from_db()
    assert mira.check_password(NEW)


def test_a_link_older_than_the_timeout_is_refused(client, mira, settings):
    uid = urlsafe_base64_encode(force_bytes(mira.pk))
    generator = default_token_generator
    issued = generator._num_seconds(generator._now()) - settings.PASSWORD_RESET_TIMEOUT - 60
    token = generator._make_token_with_timestamp(mira, issued, generator.secret)
    page = client.get(reverse("accounts:password_set", args=[uid, token]), follow=True)
    assert b"This link has expired" in page.content
    assert RESET.encode() in page.content


def test_a_new_password_of_eleven_characters_is_refused(
    client, mira, django_capture_on_commit_callbacks
):
    _ask(client, "mira@example.org", django_capture_on_commit_callbacks)
    response = _choose(client, _link(mail.outbox[0]), "violet-moon")
    assert response.status_code == 200
    assert b"at least 12 characters" in response.content
    mira.refresh_from_db()
    assert mira.check_password(OLD)


def test_choosing_a_new_password_signs_out_the_other_sessions(
    client, mira, django_capture_on_commit_callbacks
):
    elsewhere = Client()
    elsewhere.force_login(mira)
    _ask(client, "mira@example.org", django_capture_on_commit_callbacks)
    _choose(client, _link(mail.outbox[0]), NEW)
    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))


@pytest.fixture
def two_an_hour(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "password_reset": {"ip": (2, 3600), "address": (2, 3600)},
    }


def test_asking_is_limited_per_ip(client, mira, two_an_hour, django_capture_on_commit_callbacks):
    for email in ("a@example.org", "b@example.org"):
        _ask(client, email, django_capture_on_commit_callbacks)
    limited = _ask(client, "mira@example.org", django_capture_on_commit_callbacks)
    assert limited.status_code == 429
    assert b"Too many requests" in limited.content
    assert not mail.outbox


def test_asking_is_limited_per_address_whether_or_not_it_has_an_account(
    client, mira, two_an_hour, django_capture_on_commit_callbacks
):
    for email in ("mira@example.org", "nobody@example.org"):
        for ip in ("10.0.0.1", "10.0.0.2"):
            _ask(client, email, django_capture_on_commit_callbacks, REMOTE_ADDR=ip)
        third = _ask(client, email, django_capture_on_commit_callbacks, REMOTE_ADDR="10.0.0.3")
        assert third.status_code == 429
    assert len(mail.outbox) == 2
