"""/healthz and /readyz: liveness, and readiness that names the part that is down."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kinfolk.ops.models import WorkerHeartbeat
from kinfolk.ops.services import worker_heartbeat_beat, worker_heartbeat_end
from kinfolk.outbox.tasks import outbox_deliver_task


@pytest.fixture
def worker_alive(db):
    worker_heartbeat_beat(worker="app1:100", started_at=timezone.now())


def _ready(client):
    response = client.get("/readyz")
    return response.status_code, response.json()


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"alive": True}


def test_readyz_is_ready_when_every_part_answers(client, worker_alive):
    status, body = _ready(client)
    assert status == 200, body
    assert body["ready"] is True and body["down"] == []
    assert set(body["checks"]) == {"database", "cache", "migrations", "worker", "queue"}


def test_readyz_names_the_worker_when_none_has_started(client, db):
    status, body = _ready(client)
    assert status == 503
    assert body["down"] == ["worker"]
    assert body["checks"]["worker"]["detail"] == "no worker has started"


def test_readyz_names_the_worker_when_its_heartbeat_is_old(client, worker_alive, settings):
    settings.READY_WORKER_SECONDS = 60
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(minutes=5))
    status, body = _ready(client)
    assert status == 503 and body["down"] == ["worker"]
    assert "no worker heartbeat for 300 s" in body["checks"]["worker"]["detail"]


def test_a_worker_that_stops_cleanly_leaves_no_heartbeat(db):
    worker_heartbeat_beat(worker="app1:100", started_at=timezone.now())
    worker_heartbeat_beat(worker="app1:100", started_at=timezone.now())  # beats update one row
    assert WorkerHeartbeat.objects.count() == 1
    worker_heartbeat_end(worker="app1:100")
    assert not WorkerHeartbeat.objects.exists()


def test_readyz_names_the_queue_when_a_task_has_waited_too_long(client, worker_alive, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.READY_QUEUE_SECONDS = 600
    outbox_deliver_task.enqueue()
    status, body = _ready(client)
    assert status == 200 and body["checks"]["queue"]["detail"].startswith("1 waiting")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=20))
    status, body = _ready(client)
    assert status == 503 and body["down"] == ["queue"]
    assert body["checks"]["queue"]["detail"] == "1 waiting, oldest 1200 s"


def test_readyz_names_the_cache_when_it_does_not_answer(client, worker_alive, settings):
    # A Redis nobody listens on: the port below is closed.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    status, body = _ready(client)
    assert status == 503 and body["down"] == ["cache"]
    assert body["checks"]["cache"]["detail"] == "unavailable (ConnectionError)"
    assert body["checks"]["database"]["ok"] is True


def test_probes_are_not_redirected_to_https(client, worker_alive, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else still is
