"""Chromium through Playwright, against Django's live test server.

Debian's ``chromium`` package is the browser (Playwright cannot download its
own here).  In CI a missing browser fails the run; on a laptop without it
the browser tests skip with a message saying how to get it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KINFOLK_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot when KINFOLK_SCREENSHOTS names a folder."""
    folder = os.environ.get("KINFOLK_SCREENSHOTS")

    def take(name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            # caret="initial": hiding the caret injects a <style>, which our CSP reports.
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True, caret="initial")

    return take


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


PASSWORD = "correct horse battery staple"


def sign_in_as(page, live_server, user) -> None:
    """Give the user a known password and sign in as them, out of any earlier session."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.context.clear_cookies()
    sign_in(page, live_server, user.email, PASSWORD)
