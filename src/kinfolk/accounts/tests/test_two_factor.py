"""Site administrators must pass two-factor authentication (TOTP)."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_site_admin_without_second_factor_is_sent_to_set_it_up(client, site_admin):
    client.force_login(site_admin)
    response = client.get(reverse("programmes_admin:list"))
    assert response["Location"] == reverse("accounts:two_factor_verify")
    assert client.get(response["Location"])["Location"] == reverse("accounts:two_factor_setup")


def test_setting_up_an_authenticator_confirms_it_with_a_code(client, site_admin):
    client.force_login(site_admin)
    page = client.get(reverse("accounts:two_factor_setup"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=site_admin, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("programmes_admin:list")).status_code == 200


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
    url = reverse("accounts:two_factor_verify") + "?next=/site/new/"
    assert client.post(url, {"code": _code(device)})["Location"] == "/site/new/"
