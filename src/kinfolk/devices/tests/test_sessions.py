"""Sessions: a new key at sign-in; signing out or changing a password ends the other devices."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kinfolk.devices.models import SignedInSession
from kinfolk.testing import make_user

PASSWORD = "a long pass phrase"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def mira(db):
    return make_user("mira@example.org", password=PASSWORD, first_name="Mira")


def _sign_in(user, agent: str = FIREFOX) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _signed_in(client: Client) -> bool:
    return client.get(reverse("devices:list")).status_code == 200


def test_signing_in_gives_the_session_a_new_key(mira):
    client = Client()
    client.get(reverse("accounts:login"))
    before = client.session
    before["visited"] = True  # an anonymous session that exists before signing in
    before.save()
    anonymous_key = before.session_key
    client.post(reverse("accounts:login"), {"username": mira.email, "password": PASSWORD})
    assert client.session.session_key != anonymous_key
    assert not SignedInSession.objects.filter(session_key=anonymous_key).exists()


def test_signing_in_records_the_device_with_its_owner_and_browser(mira):
    client = _sign_in(mira)
    row = SignedInSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == mira.pk
    assert row.user_agent == FIREFOX
    assert row.device_id and row.signed_in_at and row.last_seen_at


def test_signing_out_ends_the_persons_other_sessions_only(mira):
    laptop, phone = _sign_in(mira), _sign_in(mira)
    someone_else = Client()
    someone_else.force_login(make_user("olu@example.org"))
    laptop.post(reverse("accounts:logout"))
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert not SignedInSession.objects.filter(user=mira).exists()
    assert _signed_in(someone_else)


def test_changing_the_password_keeps_this_device_and_ends_the_others(mira):
    laptop, phone = _sign_in(mira), _sign_in(mira)
    response = laptop.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long pass phrase",
            "new_password2": "another long pass phrase",
        },
    )
    assert response["Location"] == reverse("devices:list")
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    assert SignedInSession.objects.filter(user=mira).count() == 1


def test_a_wrong_old_password_changes_nothing_and_signs_nobody_out(mira):
    laptop, phone = _sign_in(mira), _sign_in(mira)
    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": "not it", "new_password1": "x" * 14, "new_password2": "x" * 14},
    )
    assert response.status_code == 200
    mira.refresh_from_db()
    assert mira.check_password(PASSWORD)
    assert _signed_in(laptop) and _signed_in(phone)


def test_a_new_password_from_a_link_signs_out_every_device(mira):
    laptop = _sign_in(mira)
    mira.refresh_from_db()  # the token covers the last sign-in, which just changed
    uid = urlsafe_base64_encode(force_bytes(mira.pk))
    link = reverse("accounts:password_set", args=[uid, default_token_generator.make_token(mira)])
    browser = Client()
    form = browser.get(link)
    new = "a brand new pass phrase"
    browser.post(form["Location"], {"new_password1": new, "new_password2": new})
    mira.refresh_from_db()
    assert mira.check_password(new)
    assert not SignedInSession.objects.filter(user=mira).exists()
    assert not _signed_in(laptop)


def test_the_password_change_page_needs_a_signed_in_person(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_erased_account_takes_its_sessions_with_it(mira):
    laptop = _sign_in(mira)
    mira.delete()
    assert not SignedInSession.objects.filter(user_id=mira.pk).exists()
    assert not SignedInSession.objects.filter(session_key=laptop.session.session_key).exists()
