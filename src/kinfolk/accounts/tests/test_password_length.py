"""Passwords have at least 12 characters (ASVS 2.1.1), wherever one is set."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kinfolk.people.models import Volunteer
from kinfolk.people.services import coordination, participation
from kinfolk.people.tests.test_profile import profile_data
from kinfolk.testing import make_user

ELEVEN = "violet-moon"  # 11 characters, not a common password
TWELVE = "violet-moons"
TOO_SHORT = b"at least 12 characters"


def _passwords(password: str) -> dict[str, str]:
    return {"password1": password, "password2": password}


def _signup_link(programme, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        participation.signup_request(
            programme=programme,
            role="volunteer",
            first_name="Nia",
            email="nia@example.org",
            consented_at=timezone.now(),
        )
    return re.search(r"https?://\S+(/join/verify/\S+/)", mail.outbox[-1].body).group(1)


def test_sign_up_refuses_an_eleven_character_password(
    client, programme, django_capture_on_commit_callbacks
):
    link = _signup_link(programme, django_capture_on_commit_callbacks)
    data = {**profile_data(first_name="Nia"), **_passwords(ELEVEN)}
    response = client.post(link, data)
    assert response.status_code == 200
    assert TOO_SHORT in response.content
    assert not get_user_model().objects.filter(email="nia@example.org").exists()
    response = client.post(link, {**data, **_passwords(TWELVE)})
    assert response.status_code == 302


def test_accepting_an_invitation_refuses_an_eleven_character_password(
    client, programme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordination.invitation_create(
            programme=programme,
            created_by=coordinator,
            role="volunteer",
            email="ines@example.org",
            first_name="Ines",
        )
    link = re.search(r"https?://\S+(/invite/\S+/)", mail.outbox[-1].body).group(1)
    data = {"consent": "on", **profile_data(first_name="Ines"), **_passwords(ELEVEN)}
    response = client.post(link, data)
    assert response.status_code == 200
    assert TOO_SHORT in response.content
    assert not Volunteer.objects.filter(first_name="Ines").exists()
    assert not get_user_model().objects.filter(email="ines@example.org").exists()


@pytest.fixture
def password_link(db):
    """A new coordinator's link to choose a first password, and their account."""
    user = make_user("nia@example.org", first_name="Nia")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_set", args=[uid, token]), user


def test_choosing_a_password_from_a_link_refuses_eleven_characters(client, password_link):
    link, user = password_link
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": ELEVEN, "new_password2": ELEVEN})
    assert response.status_code == 200
    assert TOO_SHORT in response.content
    user.refresh_from_db()
    assert not user.has_usable_password()
    response = client.post(form_url, {"new_password1": TWELVE, "new_password2": TWELVE})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(TWELVE)
