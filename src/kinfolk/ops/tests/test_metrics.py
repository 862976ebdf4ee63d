"""/metrics: Prometheus figures for the monitoring server, and for nobody else."""

import datetime as dt

import pytest
from django.utils import timezone

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_queue
from kinfolk.pairings.models import MatchingRun


def _metrics(client, **headers):
    return client.get("/metrics", headers=headers)


def test_this_machine_reads_request_queue_outbox_and_matching_figures(client, programme):
    email_queue(to="m@example.org", subject="S", body="B", purpose="proposal", key="1")
    Message.objects.update(state="sent", sent_at=timezone.now())
    now = timezone.now()
    run = MatchingRun.objects.create(programme=programme)
    MatchingRun.objects.filter(pk=run.pk).update(
        created_at=now - dt.timedelta(seconds=40), finished_at=now, status="done"
    )
    client.get("/healthz")
    response = _metrics(client)
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "kinfolk_task_queue_depth 0.0" in text
    assert "kinfolk_task_queue_oldest_seconds 0.0" in text
    assert 'kinfolk_outbox_messages{channel="email",state="sent"} 1.0' in text
    assert 'kinfolk_outbox_sent_last_hour{channel="email"} 1.0' in text
    assert 'kinfolk_matching_run_seconds_last_day_bucket{le="15"} 0.0' in text
    assert 'kinfolk_matching_run_seconds_last_day_bucket{le="60"} 1.0' in text
    assert "m@example.org" not in text


@pytest.mark.parametrize(
    "headers",
    [{"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}],
    ids=["x-forwarded-for", "forwarded"],
)
def test_a_request_relayed_by_a_proxy_is_not_taken_as_local(client, db, headers):
    assert _metrics(client, **headers).status_code == 404


def test_another_machine_gets_nothing_without_the_token(client, db):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_with_a_token_only_its_bearer_reads(client, db, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-tests"
    assert _metrics(client).status_code == 404  # local is no longer enough
    assert _metrics(client, Authorization="Bearer wrong").status_code == 404
    right = client.get(
        "/metrics",
        REMOTE_ADDR="203.0.113.9",
        headers={"Authorization": "Bearer s3cret-token-for-tests"},
    )
    assert right.status_code == 200 and b"kinfolk_task_queue_depth" in right.content
