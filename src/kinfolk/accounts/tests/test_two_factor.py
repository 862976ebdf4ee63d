"""Site administrators must pass two-factor authentication (TOTP)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.accounts.models import TwoFactorEnrolment
from kinfolk.accounts.services.two_factor import two_factor_enrolment_issue
from kinfolk.accounts.tokens import token_hash
from kinfolk.testing import make_user, otp_force_login

SETUP = reverse("accounts:two_factor_setup")


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _enrol_url(token: str) -> str:
    return reverse("accounts:two_factor_enrol", args=[token])


def _colleague():
    return make_user("grace@example.org", first_name="Grace", is_staff=True)


def test_site_admin_without_second_factor_is_sent_to_verify_then_told_how_to_enrol(
    client, site_admin
):
    client.force_login(site_admin)
    response = client.get(reverse("programmes_admin:list"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get(response["Location"])["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 403
    assert b"one-time enrolment link" in page.content


def test_password_only_admin_session_cannot_enrol_an_authenticator(client, site_admin):
    # The attack: a stolen password, the set-up page, a new device, site administration.
    client.force_login(site_admin)
    page = client.get(SETUP)
    assert page.status_code == 403
    assert b"<svg" not in page.content
    assert not TOTPDevice.objects.filter(user=site_admin).exists()
    planted = TOTPDevice.objects.create(user=site_admin, name="attacker", confirmed=False)
    response = client.post(SETUP, {"code": _code(planted)})
    assert response.status_code == 403
    planted.refresh_from_db()
    assert not planted.confirmed
    assert client.get(reverse("programmes_admin:list")).status_code == 302
    assert client.get(reverse("programmes_admin:create")).status_code == 302


def test_password_only_session_cannot_replace_an_existing_authenticator(client, site_admin):
    own = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    client.force_login(site_admin)
    page = client.get(SETUP)
    assert page.status_code == 403
    assert b"first confirm a code" in page.content
    assert list(TOTPDevice.objects.filter(user=site_admin)) == [own]


def test_an_enrolment_link_from_another_admin_enrols_the_first_authenticator(client, site_admin):
    colleague = _colleague()
    enrolment, token = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    client.force_login(colleague)
    assert client.get(_enrol_url(token))["Location"] == SETUP
    page = client.get(SETUP)
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=colleague, confirmed=False)
    assert client.post(SETUP, {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    enrolment.refresh_from_db()
    assert device.confirmed
    assert enrolment.used_at is not None
    assert client.get(reverse("programmes_admin:list")).status_code == 200


def test_an_enrolment_link_works_once(client, site_admin):
    colleague = _colleague()
    _enrolment, token = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    client.force_login(colleague)
    client.get(_enrol_url(token))
    client.get(SETUP)
    client.post(SETUP, {"code": _code(TOTPDevice.objects.get(user=colleague))})
    client.logout()
    client.force_login(colleague)
    again = client.get(_enrol_url(token))
    assert again.status_code == 403
    assert b"has been used or has expired" in again.content
    assert client.get(SETUP).status_code == 403


def test_an_expired_enrolment_link_enrols_nothing(client, site_admin):
    colleague = _colleague()
    enrolment, token = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    TwoFactorEnrolment.objects.filter(pk=enrolment.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.force_login(colleague)
    assert client.get(_enrol_url(token)).status_code == 403
    assert not TOTPDevice.objects.filter(user=colleague).exists()


def test_a_link_that_expires_while_setting_up_is_refused_at_the_code(client, site_admin):
    colleague = _colleague()
    enrolment, token = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    client.force_login(colleague)
    client.get(_enrol_url(token))
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=colleague)
    TwoFactorEnrolment.objects.filter(pk=enrolment.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.post(SETUP, {"code": _code(device)}).status_code == 403
    device.refresh_from_db()
    assert not device.confirmed


def test_another_persons_enrolment_link_is_not_found(client, site_admin, volunteer_user):
    colleague = _colleague()
    _enrolment, token = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    for intruder in (site_admin, volunteer_user):
        client.force_login(intruder)
        assert client.get(_enrol_url(token)).status_code == 404
    assert not TOTPDevice.objects.filter(user=colleague).exists()


def test_opening_a_link_forgets_a_half_set_up_authenticator(client, site_admin):
    # A key shown before the link was opened may have been seen by someone else.
    colleague = _colleague()
    old = TOTPDevice.objects.create(user=colleague, name="old", confirmed=False)
    _enrolment, token = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    client.force_login(colleague)
    client.get(_enrol_url(token))
    client.get(SETUP)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_a_verified_session_replaces_the_authenticator_and_the_old_one_stops_working(
    client, site_admin
):
    otp_force_login(client, site_admin)
    old = TOTPDevice.objects.get(user=site_admin)
    client.get(SETUP)
    new = TOTPDevice.objects.get(user=site_admin, confirmed=False)
    assert client.post(SETUP, {"code": _code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=site_admin)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get(reverse("programmes_admin:list")).status_code == 200


def test_the_setup_page_is_for_site_administrators_only(client, volunteer_user):
    client.force_login(volunteer_user)
    assert client.get(SETUP).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_wrong_code_is_refused_beside_the_field(client, site_admin):
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    client.force_login(site_admin)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert client.get(reverse("programmes_admin:list")).status_code == 302


def test_right_code_opens_site_administration(client, site_admin):
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    client.force_login(site_admin)
    client.post(reverse("accounts:two_factor_verify"), {"code": _code(device)})
    assert client.get(reverse("programmes_admin:list")).status_code == 200


def test_after_the_code_only_a_page_of_this_site_is_followed(client, site_admin):
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    client.force_login(site_admin)
    url = reverse("accounts:two_factor_verify") + "?next=https://evil.example/"
    response = client.post(url, {"code": _code(device)})
    assert response["Location"] == reverse("home")


def test_after_the_code_the_asked_page_of_this_site_opens(client, site_admin):
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    client.force_login(site_admin)
    asked = client.get("/site/new/")["Location"]
    assert client.post(asked, {"code": _code(device)})["Location"] == "/site/new/"


def test_enrolment_links_store_only_a_hash_of_their_token(site_admin):
    colleague = _colleague()
    enrolment, token = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    assert enrolment.token_hash == token_hash(token)
    assert token not in enrolment.token_hash


def test_a_new_link_ends_the_earlier_unused_one(client, site_admin):
    colleague = _colleague()
    _first, old = two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    two_factor_enrolment_issue(user=colleague, issued_by=site_admin)
    client.force_login(colleague)
    assert client.get(_enrol_url(old)).status_code == 403
