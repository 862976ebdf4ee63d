"""``kinfolk manage two_factor_link``: the first administrator's way to an authenticator."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.accounts.models import TwoFactorEnrolment


def _run(email: str) -> str:
    out = io.StringIO()
    call_command("two_factor_link", email, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_link_that_enrols_the_first_administrator(client, site_admin):
    output = _run("ADA@example.org")
    link = output.splitlines()[0]
    enrolment = TwoFactorEnrolment.objects.get()
    assert (enrolment.user, enrolment.issued_by) == (site_admin, None)
    client.force_login(site_admin)
    path = link.removeprefix("http://127.0.0.1:8000")
    assert client.get(path)["Location"] == reverse("accounts:two_factor_setup")
    assert b"<svg" in client.get(reverse("accounts:two_factor_setup")).content
    assert TOTPDevice.objects.filter(user=site_admin, confirmed=False).exists()


@pytest.mark.parametrize("email", ["nobody@example.org", "vera@example.org"])
def test_the_command_refuses_anyone_but_a_site_administrator(volunteer_user, email):
    with pytest.raises(CommandError, match="No site administrator"):
        _run(email)
    assert not TwoFactorEnrolment.objects.exists()
