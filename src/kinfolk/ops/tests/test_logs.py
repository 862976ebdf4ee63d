"""Logs: one JSON object a line, each with its request id, and no e-mail, phone or address.

The test drives pages and jobs with marked contact details at DEBUG level
through the real log configuration (its filters and formatter), and reads
every line that came out.
"""

import io
import json
import logging

import pytest
from django.urls import reverse

from kinfolk.ops.logs import PersonalDataFilter, mask
from kinfolk.testing import make_household, make_pairing, make_user, make_volunteer
from kinfolk.ticks.services import tick_run

EMAIL = "marker.kf7@example.org"
PHONE = "+44 113 496 0777"
PHONE_DIGITS = "1134960777"
ADDRESS = "17 Markerfield Lane"


@pytest.fixture
def log_lines(settings):
    """Every line the configured console handler writes during the test, at DEBUG."""
    root = logging.getLogger()
    handler = next(
        h for h in root.handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    loggers = [root, *(logging.getLogger(n) for n in ("kinfolk.requests", "django.request"))]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    handler.setLevel(logging.DEBUG)
    yield lambda: stream.getvalue().splitlines()
    handler.setStream(previous)
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)


@pytest.fixture
def marked(programme, coordinator):
    user = make_user(EMAIL, first_name="Mira")
    user.set_password("a long enough password")
    user.save()
    volunteer = make_volunteer(programme, user=user, first_name="Mira", phone=PHONE)
    household = make_household(
        programme, users=(make_user(first_name="Hal"),), first_name="Hal", address=ADDRESS
    )
    make_pairing(volunteer, household)
    return volunteer


def _assert_clean(lines):
    assert lines, "nothing was logged: the test would prove nothing"
    for line in lines:
        assert EMAIL not in line and "marker.kf7" not in line, line
        assert PHONE not in line and PHONE_DIGITS not in line.replace(" ", ""), line
        assert "Markerfield" not in line, line


def test_pages_and_jobs_log_no_email_phone_or_address(client, log_lines, marked, coordinator):
    login = reverse("accounts:login")
    # A wrong password: django-axes logs the sign-in name it was given.
    client.post(login, {"username": EMAIL, "password": "wrong password here"})
    client.post(login, {"username": EMAIL, "password": "a long enough password"})
    client.get(reverse("people:volunteer_home", args=[marked.pk]))
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:password_reset"), {"email": EMAIL})
    client.force_login(coordinator)
    volunteers = reverse("programmes:volunteers", args=[marked.programme_id])
    for query in (EMAIL, PHONE, "Markerfield"):
        client.get(volunteers, {"q": query})
    client.get(reverse("programmes:volunteer_detail", args=[marked.programme_id, marked.pk]))
    tick_run()  # reminders, the outbox (the reset e-mail goes out), purges
    logging.getLogger("kinfolk.example").warning("could not reach %s at %s", EMAIL, PHONE)

    lines = log_lines()
    _assert_clean(lines)
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [e for e in entries if e["logger"] == "kinfolk.requests"]
    assert len(requests) >= 8
    assert all(len(e["request_id"]) == 32 and e["route"].startswith("/") for e in requests)
    assert any(e["route"] == "/p/<int:programme_id>/volunteers/" for e in requests)
    masked = next(e for e in entries if e["logger"] == "kinfolk.example")
    assert masked["message"] == "could not reach <email> at <number>"


def test_an_error_s_traceback_is_masked_too(log_lines, db):
    try:
        raise ValueError(f"no such person {EMAIL} {PHONE}")
    except ValueError:
        logging.getLogger("kinfolk.example").exception("failed")
    _assert_clean(log_lines())
    assert "no such person <email> <number>" in log_lines()[-1]


def test_each_response_carries_its_request_id_and_a_sane_one_from_the_proxy_is_kept(
    client, db, log_lines
):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second and len(first) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": "proxy-abc-123"})["X-Request-ID"]
        == "proxy-abc-123"
    )
    bad = client.get("/healthz", headers={"X-Request-ID": "<script>" + EMAIL})["X-Request-ID"]
    assert len(bad) == 32 and EMAIL not in bad
    ids = [json.loads(line)["request_id"] for line in log_lines()]
    assert ids[:3] == [first, second, "proxy-abc-123"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("to someone.else+tag@mail.example.co.uk now", "to <email> now"),
        ("call 07700 900123", "call <number>"),
        ("call +44 (0)113 496-0000", "call <number>"),
        ("at 2026-11-30 10:15:02 took 1234567 ms", "at 2026-11-30 10:15:02 took 1234567 ms"),
        ("run 42 of programme 7", "run 42 of programme 7"),
    ],
)
def test_mask_hides_addresses_and_phone_numbers_but_not_dates_or_counts(text, masked):
    assert mask(text) == masked
