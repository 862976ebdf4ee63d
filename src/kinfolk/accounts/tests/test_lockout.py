"""Sign-in lock-out: by e-mail address and client together, the client found behind proxies."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from kinfolk.testing import make_user

LOGIN = reverse("accounts:login")
PASSWORD = "a long pass phrase"


@pytest.fixture
def axes(settings, db):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_user("mira@example.org", password=PASSWORD)
    make_user("kim@example.org", password=PASSWORD)


def _sign_in(client, email: str, password: str = PASSWORD, **meta):
    return client.post(LOGIN, {"username": email, "password": password}, **meta)


def _guess_wrong(client, email: str, times: int = 3, **meta) -> None:
    for _ in range(times):
        _sign_in(client, email, "wrong guess", **meta)


def test_one_persons_wrong_passwords_do_not_lock_out_another_on_the_same_ip(axes):
    mira, kim = Client(), Client()
    _guess_wrong(mira, "mira@example.org")
    locked = _sign_in(mira, "mira@example.org")
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    assert _sign_in(kim, "kim@example.org").status_code == 302
    assert "_auth_user_id" in kim.session


def test_behind_a_trusted_proxy_each_client_is_locked_out_alone(axes, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    _guess_wrong(Client(), "mira@example.org", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    attacker = _sign_in(Client(), "mira@example.org", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert attacker.status_code == 429
    # Mira at home, through the same proxy, still signs in.
    mira = _sign_in(Client(), "mira@example.org", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert mira.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_dodge_the_lock(axes):
    _guess_wrong(Client(), "mira@example.org", HTTP_X_FORWARDED_FOR="203.0.113.7")
    forged = _sign_in(Client(), "mira@example.org", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert forged.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_the_failed_attempt_records_the_address_typed(axes):
    _guess_wrong(Client(), " MIRA@Example.org", times=1)
    assert AccessAttempt.objects.get().username == "mira@example.org"


def test_changing_the_case_of_the_address_counts_as_the_same_account(axes):
    client = Client()
    for email in ("mira@example.org", "Mira@example.org", "MIRA@EXAMPLE.ORG"):
        _guess_wrong(client, email, times=1)
    assert _sign_in(client, "mira@example.org").status_code == 429


def test_a_proxy_count_larger_than_the_chain_takes_the_first_address(settings, rf):
    from kinfolk.accounts.clients import client_ip

    settings.TRUSTED_PROXIES = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"


def test_a_client_cannot_choose_its_address_by_prepending_to_the_header(settings, rf):
    from kinfolk.accounts.clients import client_ip

    settings.TRUSTED_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "203.0.113.7"
