"""Personas shared by every suite: who is who in two programmes.

``programme`` (Leeds) has a coordinator, an approved active volunteer, an
applicant not yet approved, and two households; ``other_programme`` (Bristol)
has its own coordinator and volunteer.  Tests try to break the access rules
with these.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _only_the_outbox_sends():
    """Every e-mail a test sends went through the outbox: it carries an outbox Message-ID."""
    yield
    from django.core import mail

    stray = [
        m.subject
        for m in getattr(mail, "outbox", [])
        if ".outbox@" not in m.extra_headers.get("Message-ID", "")
    ]
    assert not stray, f"sent without the outbox (kinfolk.outbox.services): {stray}"


@pytest.fixture
def programme(db):
    from kinfolk.testing import make_programme

    return make_programme()


@pytest.fixture
def other_programme(db):
    from kinfolk.testing import BRISTOL, make_programme

    return make_programme("Bristol Welcome", centre=BRISTOL)


@pytest.fixture
def coordinator(programme):
    from kinfolk.testing import make_coordinator, make_user

    return make_coordinator(programme, make_user("cora@example.org", first_name="Cora"))


@pytest.fixture
def other_coordinator(other_programme):
    from kinfolk.testing import make_coordinator, make_user

    return make_coordinator(other_programme, make_user("otto@example.org", first_name="Otto"))


@pytest.fixture
def volunteer_user(db):
    from kinfolk.testing import make_user

    return make_user("vera@example.org", first_name="Vera")


@pytest.fixture
def volunteer(programme, volunteer_user):
    from kinfolk.testing import make_volunteer

    return make_volunteer(programme, user=volunteer_user, first_name="Vera", state="active")


@pytest.fixture
def applicant(programme):
    from kinfolk.testing import make_user, make_volunteer

    user = make_user("abel@example.org", first_name="Abel")
    return make_volunteer(programme, user=user, first_name="Abel", state="applied")


@pytest.fixture
def household_user(db):
    from kinfolk.testing import make_user

    return make_user("hana@example.org", first_name="Hana")


@pytest.fixture
def household(programme, household_user):
    from kinfolk.testing import make_household

    return make_household(programme, users=(household_user,), first_name="Hana")


@pytest.fixture
def other_household(programme):
    from kinfolk.testing import make_household, make_user

    user = make_user("olu@example.org", first_name="Olu")
    return make_household(programme, users=(user,), first_name="Olu")


@pytest.fixture
def other_volunteer(other_programme):
    from kinfolk.testing import BRISTOL, make_user, make_volunteer

    user = make_user("bea@example.org", first_name="Bea")
    return make_volunteer(
        other_programme, user=user, first_name="Bea", town="Bristol", lat=BRISTOL[0], lon=BRISTOL[1]
    )


@pytest.fixture
def site_admin(db):
    from kinfolk.testing import make_user

    return make_user("ada@example.org", first_name="Ada", is_staff=True, is_superuser=True)
