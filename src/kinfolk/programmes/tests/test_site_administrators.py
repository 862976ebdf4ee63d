"""Site administrators issue each other one-time links to enrol an authenticator."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.accounts.models import TwoFactorEnrolment
from kinfolk.testing import make_user, otp_force_login

LIST = reverse("programmes_admin:administrators")


def _issue_url(user) -> str:
    return reverse("programmes_admin:enrolment_issue", args=[user.pk])


@pytest.fixture
def colleague(db):
    return make_user("grace@example.org", first_name="Grace", is_staff=True)


def test_an_issued_link_is_shown_once_and_recorded(client, site_admin, colleague):
    otp_force_login(client, site_admin)
    response = client.post(_issue_url(colleague))
    assert response["Location"] == LIST
    page = client.get(LIST).content.decode()
    link = re.search(r'<code id="enrolment-link">([^<]+)</code>', page).group(1)
    assert "/accounts/two-factor/enrol/" in link
    assert link not in client.get(LIST).content.decode()
    enrolment = TwoFactorEnrolment.objects.get()
    assert (enrolment.user, enrolment.issued_by, enrolment.used_at) == (
        colleague,
        site_admin,
        None,
    )
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in enrolment.token_hash


def test_the_colleague_enrols_with_the_issued_link_and_the_use_is_recorded(
    client, site_admin, colleague
):
    otp_force_login(client, site_admin)
    client.post(_issue_url(colleague))
    link = re.search(r'enrolment-link">([^<]+)<', client.get(LIST).content.decode()).group(1)
    client.logout()
    client.force_login(colleague)
    client.get(link.removeprefix("http://127.0.0.1:8000"))
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=colleague)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post(reverse("accounts:two_factor_setup"), {"code": code})
    assert TwoFactorEnrolment.objects.get().used_at is not None
    page = client.get(LIST).content.decode()
    assert "Grace" in page and "Ada" in page


def test_nobody_issues_a_link_for_themselves(client, site_admin):
    otp_force_login(client, site_admin)
    assert client.post(_issue_url(site_admin)).status_code == 404
    assert not TwoFactorEnrolment.objects.exists()


def test_a_link_is_only_for_a_site_administrator(client, site_admin, volunteer_user):
    otp_force_login(client, site_admin)
    assert client.post(_issue_url(volunteer_user)).status_code == 404
    assert not TwoFactorEnrolment.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "volunteer_user", "household_user"])
def test_other_roles_cannot_see_or_issue_links(client, request, persona, colleague):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 404
    assert client.post(_issue_url(colleague)).status_code == 404
    assert not TwoFactorEnrolment.objects.exists()


def test_a_password_only_admin_session_cannot_issue_a_link(client, site_admin, colleague):
    TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    client.force_login(site_admin)
    response = client.post(_issue_url(colleague))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert not TwoFactorEnrolment.objects.exists()
