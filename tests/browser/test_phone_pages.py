"""Every page fits a phone and passes axe-core, in English and in Arabic (right to left).

Participant pages are opened at 360 px wide, coordinator and site
administrator pages at 768 px, each as the person it is for, through the
charter's walk (``tests/charter/pages.py``) in two pairing states: a
proposal still open, and an active pairing with a visit agreed.  On each
page ``document.documentElement.scrollWidth`` must not exceed the window's
width, and axe-core (WCAG 2.2 A and AA rules, and its best practices) must
find no serious or critical violation.

Run alone: ``pytest -m browser -n 0 tests/browser/test_phone_pages.py``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.walk import (
    AXE,
    COORDINATORS,
    PARTICIPANTS,
    PHONE,
    TABLET,
    axe_violations,
    html_pages,
    sideways,
    signed_in_context,
    token_pages,
    viewer_pages,
)
from tests.charter.pages import world_build

pytestmark = pytest.mark.django_db(transaction=True)

STATES = ("proposal_open", "active")


@pytest.fixture(scope="module")
def axe_installed():
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: scripts/test installs it with npm")


def _check(chromium, live_server, world, key, urls, *, width, locale="en-GB", axe=True):
    """Open ``urls`` as ``key`` at ``width``; return what spills sideways and what axe finds."""
    viewer = world.viewers[key] if key else None
    if viewer is not None and hasattr(viewer, "language"):
        # A signed-in person reads the language stored on their account (the browser's
        # only until they choose): the walk's people have chosen this locale's language.
        viewer.language = locale.split("-")[0]
        viewer.save(update_fields=["language"])
    context = signed_in_context(
        chromium,
        live_server,
        viewer,
        viewport={"width": width, "height": 800},
        locale=locale,
        # axe is injected as a script of its own; the page's CSP has its own guard test.
        bypass_csp=True,
    )
    page = context.new_page()
    problems, opened = [], 0
    try:
        for url in html_pages(page, live_server, urls):
            opened += 1
            if (extra := sideways(page)) > 0:
                problems.append(f"{url} as {key}: {extra} px wider than {width} px")
            if axe:
                problems += [f"{url} as {key}: {v}" for v in axe_violations(page)]
            if locale.startswith("ar"):
                direction = page.evaluate("document.documentElement.dir")
                if direction != "rtl":
                    problems.append(f"{url} as {key}: dir={direction!r} in Arabic")
    finally:
        context.close()
    return opened, problems


@pytest.mark.parametrize("state", STATES)
def test_participant_pages_fit_a_phone_and_pass_axe(chromium, live_server, axe_installed, state):
    world = world_build(state)
    opened, problems = 0, []
    for key in PARTICIPANTS:
        n, found = _check(chromium, live_server, world, key, viewer_pages(world, key), width=PHONE)
        opened, problems = opened + n, problems + found
    n, found = _check(chromium, live_server, world, None, token_pages(world), width=PHONE)
    opened, problems = opened + n, problems + found
    assert opened >= 10, "the walk opened too few participant pages to mean anything"
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("state", STATES)
def test_participant_pages_in_arabic_are_right_to_left_and_fit_a_phone(
    chromium, live_server, axe_installed, state
):
    world = world_build(state)
    problems = []
    for key in PARTICIPANTS:
        urls = viewer_pages(world, key)
        found = _check(chromium, live_server, world, key, urls, width=PHONE, locale="ar", axe=False)
        problems += found[1]
    problems += _check(
        chromium, live_server, world, None, token_pages(world), width=PHONE, locale="ar", axe=False
    )[1]
    assert problems == [], "\n".join(problems)


def test_coordinator_pages_fit_a_tablet_and_pass_axe(chromium, live_server, axe_installed):
    world = world_build("active")
    opened, problems = 0, []
    for key in COORDINATORS:
        n, found = _check(chromium, live_server, world, key, viewer_pages(world, key), width=TABLET)
        opened, problems = opened + n, problems + found
    assert opened >= 30, "the walk opened too few coordinator pages to mean anything"
    assert problems == [], "\n".join(problems)


def test_the_sideways_check_sees_overflow_left_to_right_and_right_to_left(
    chromium, live_server, volunteer
):
    """The check can fail: a too-wide block is caught in English and in Arabic."""
    world_pages = [reverse("people:volunteer_home", args=[volunteer.pk])]
    for locale in ("en-GB", "ar"):
        context = signed_in_context(
            chromium,
            live_server,
            volunteer.user,
            viewport={"width": PHONE, "height": 800},
            locale=locale,
        )
        page = context.new_page()
        page.goto(live_server.url + world_pages[0])
        assert sideways(page) == 0
        page.evaluate(
            "document.querySelector('main').append(Object.assign("
            "document.createElement('div'), {textContent: 'x'.repeat(200)}))"
        )
        assert sideways(page) > 0, f"a 200-letter word went unnoticed in {locale}"
        context.close()


def test_the_week_grid_and_language_pickers_take_a_thumb(chromium, live_server, volunteer):
    """Every box of the 7 × 3 grid and every language picker is at least 44 px each way."""
    context = signed_in_context(
        chromium, live_server, volunteer.user, viewport={"width": PHONE, "height": 800}
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("people:volunteer_profile", args=[volunteer.pk]))
    boxes = page.locator("table.slot-grid label").all()
    assert len(boxes) == 21
    pickers = page.locator("select[name^=speaks], select[name^=learning]").all()
    assert pickers, "the profile has language pickers"
    small = []
    for target in [*boxes, *pickers]:
        box = target.bounding_box()
        if box["height"] < 44 or (target in boxes and box["width"] < 44):
            small.append((target.evaluate("e => e.outerHTML.slice(0, 80)"), box))
    assert small == []
    assert sideways(page) == 0
    context.close()
