"""The operators' health page: failing jobs and failed messages, for site administrators."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_queue
from kinfolk.testing import otp_force_login
from kinfolk.ticks.models import TickRun

URL = reverse("health:health")


@pytest.fixture
def failing(db):
    now = timezone.now()
    return TickRun.objects.create(
        job="visit_reminders",
        slot="2027-03-01T08",
        state="failed",
        attempts=3,
        last_error="OperationalError: database is locked",
        next_try_at=now + dt.timedelta(minutes=4),
    )


@pytest.fixture
def failed_message(db):
    email_queue(
        to="hidden@example.org", subject="Private", body="Words", purpose="proposal", key="1"
    )
    Message.objects.update(state="failed", attempts=6, last_error="SMTPDataError: <recipient>")
    return Message.objects.get()


def test_a_site_administrator_sees_failing_jobs_first_with_their_error_and_next_try(
    client, site_admin, failing
):
    otp_force_login(client, site_admin)
    page = client.get(URL).content.decode()
    assert page.index("visit_reminders") < page.index("outbox_deliver")
    assert 'id="job-visit_reminders" class="failing"' in page
    assert "Failed 3 times in a row" in page and "database is locked" in page
    assert "Next try:" in page and "The last tick began" in page


def test_failed_messages_show_what_and_why_but_never_the_address_or_words(
    client, site_admin, failed_message
):
    otp_force_login(client, site_admin)
    page = client.get(URL).content.decode()
    assert 'id="count-failed">1<' in page
    assert "SMTPDataError" in page and reverse("outbox:retry", args=[failed_message.pk]) in page
    assert "hidden@example.org" not in page and "Private" not in page and "Words" not in page


def test_a_password_only_session_is_sent_to_the_second_factor(client, site_admin, failing):
    client.force_login(site_admin)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


@pytest.mark.parametrize("who", ["coordinator", "volunteer_user", "household_user"])
def test_nobody_else_sees_the_health_page(request, client, who, failing):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    assert "/accounts/login/" in client.get(URL)["Location"]
