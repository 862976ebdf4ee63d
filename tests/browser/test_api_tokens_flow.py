"""In Chromium: a coordinator makes an API token, uses it, revokes it; and downloads an export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from kinfolk.api.models import ApiToken
from kinfolk.testing import make_household
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page, live_server, user):
    sign_in_as(page, live_server, user)
    page.wait_for_url(re.compile(r".*/(p|me)/.*"))


def test_a_token_is_shown_once_opens_the_api_and_stops_when_revoked(
    page, live_server, programme, coordinator, household, screenshot
):
    _as(page, live_server, coordinator)
    tokens_url = live_server.url + reverse("api_pages:tokens", args=[programme.pk])
    page.goto(tokens_url)
    page.fill("input[name=name]", "CRM nightly sync")
    page.select_option("select[name=scope]", "read")
    page.click("main button:has-text('Make the token')")
    secret = page.inner_text("#new-token")
    assert secret.startswith("kf_")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("api-tokens-01-new-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot("api-tokens-01-new-360")

    api = page.request.get(
        f"{live_server.url}/api/households", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status == 200 and api.json()["items"][0]["id"] == household.pk

    page.reload()
    assert secret not in page.content()  # shown once
    page.click("main button:has-text('Revoke')")
    page.wait_for_selector("text=no longer opens the API")
    assert "Token CRM nightly sync revoked" in page.inner_text(".messages, main, body")
    assert ApiToken.objects.get().revoked_at is not None
    screenshot("api-tokens-02-revoked-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("api-tokens-02-revoked-1280")
    again = page.request.get(
        f"{live_server.url}/api/households", headers={"Authorization": f"Bearer {secret}"}
    )
    assert again.status == 401


def test_a_coordinator_downloads_households_with_contact_details(
    page, live_server, programme, coordinator, screenshot
):
    make_household(programme, first_name="=SUM(A1)")
    _as(page, live_server, coordinator)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("api_pages:exports", args=[programme.pk]))
    screenshot("exports-01-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot("exports-01-360")
    row = page.locator("tr", has_text="Households")
    row.locator("input[name=contact]").check()
    with page.expect_download() as download:
        row.locator("button:has-text('CSV')").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith("email,phone,address")
    assert "'=SUM(A1)" in text


def test_the_api_reference_renders_under_the_content_security_policy(page, live_server, screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector("text=Kinfolk API")
    page.get_by_text("/api/households", exact=True).first.wait_for()
    screenshot("api-docs-1280")
    assert not [e for e in errors if "Content Security Policy" in e], errors
