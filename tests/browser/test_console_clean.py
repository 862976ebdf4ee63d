"""Every main page of every role leaves the browser console clean: no errors, no CSP reports."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _visit(page, live_server, paths: list[str]) -> None:
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")


def test_login_page_console_is_clean(page, live_server):
    problems = _watch(page)
    _visit(page, live_server, ["/accounts/login/"])
    assert problems == []


def test_coordinator_pages_console_is_clean(page, live_server, coordinator, volunteer, household):
    problems = _watch(page)
    sign_in_as(page, live_server, coordinator)
    p = volunteer.programme_id
    _visit(
        page,
        live_server,
        [
            f"/p/{p}/",
            f"/p/{p}/volunteers/",
            f"/p/{p}/volunteers/{volunteer.pk}/",
            f"/p/{p}/households/",
            f"/p/{p}/households/{household.pk}/",
            f"/p/{p}/matching/",
            f"/p/{p}/pairings/",
            f"/p/{p}/invite/",
            "/privacy/",
        ],
    )
    assert problems == []
