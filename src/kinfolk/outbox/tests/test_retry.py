"""An operator sends a failed message again; nobody else can, and nothing else is resent."""

import pytest
from django.core import mail
from django.urls import reverse

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_queue
from kinfolk.testing import otp_force_login


@pytest.fixture
def failed(db):
    email_queue(to="a@example.org", subject="s", body="b", purpose="test", key="k")
    Message.objects.update(state="failed", attempts=6, last_error="refused")
    return Message.objects.get()


def _url(message):
    return reverse("outbox:retry", args=[message.pk])


def test_a_site_administrator_sends_a_failed_message_again(
    client, site_admin, failed, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(failed))
    assert response["Location"] == reverse("health:health")
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("sent", 1)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_a_message_that_did_not_fail_cannot_be_sent_again(client, site_admin, failed):
    Message.objects.update(state="sent")
    otp_force_login(client, site_admin)
    assert client.post(_url(failed)).status_code == 404
    assert Message.objects.get().state == "sent" and mail.outbox == []


@pytest.mark.parametrize("who", ["coordinator", "volunteer_user", "household_user"])
def test_nobody_else_can_send_it_again(request, client, failed, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(_url(failed)).status_code == 404
    assert Message.objects.get().state == "failed"


def test_a_password_only_administrator_is_sent_to_the_second_factor(client, site_admin, failed):
    client.force_login(site_admin)
    assert client.post(_url(failed))["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert Message.objects.get().state == "failed"


def test_retrying_takes_a_post(client, site_admin, failed):
    otp_force_login(client, site_admin)
    assert client.get(_url(failed)).status_code == 405
