"""The main pages of every role leave the browser console clean: no errors, no CSP reports.

Each test signs in through the real login page (which must be clean too),
opens that role's main pages, and fails on any console error or warning,
uncaught page error or content-security-policy violation.
"""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.programmes.models import Coordinator, Organisation
from kinfolk.staff.models import CoordinatorOrganisation, Viewer
from kinfolk.testing import make_pairing, make_user
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 360)


def _watch(page) -> list[str]:
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"{message.type} on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _visit(page, live_server, paths: list[str], screenshot=None, shots: dict | None = None):
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        if screenshot and shots and path in shots:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                screenshot(f"{shots[path]}-{width}")
            page.set_viewport_size({"width": 1280, "height": 900})


def test_login_page_console_is_clean(page, live_server):
    problems = _watch(page)
    _visit(page, live_server, ["/accounts/login/", "/accounts/password/reset/"])
    assert problems == []


def test_error_pages_console_is_clean(page, live_server, screenshot):
    problems = _watch(page)
    page.goto(f"{live_server.url}/no/such/page/")
    page.wait_for_load_state("networkidle")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"staff-404-{width}")
    # The 404 answer itself is logged as a failed resource; nothing else may be.
    assert [p for p in problems if "404" not in p] == []
    assert "Back to the home page" in page.inner_text("main")


def test_coordinator_pages_console_is_clean(page, live_server, coordinator, volunteer, household):
    make_pairing(volunteer, household)
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
            f"/p/{p}/organisations/",
            f"/p/{p}/visits/",
            f"/p/{p}/figures/",
            "/privacy/",
        ],
    )
    assert problems == []


def test_participant_pages_console_is_clean(
    page, live_server, volunteer, household, household_user
):
    make_pairing(volunteer, household)
    problems = _watch(page)
    sign_in_as(page, live_server, volunteer.user)
    _visit(page, live_server, [f"/me/volunteer/{volunteer.pk}/", "/privacy/"])
    sign_in_as(page, live_server, household_user)
    _visit(page, live_server, [f"/me/household/{household.pk}/", "/privacy/"])
    assert problems == []


def test_viewer_and_limited_coordinator_pages_console_is_clean(
    page, live_server, programme, volunteer, screenshot
):
    acme = Organisation.objects.create(programme=programme, name="Acme Ltd")
    volunteer.organisation = acme
    volunteer.save(update_fields=["organisation"])
    tess = make_user("tess@example.org", first_name="Tess")
    Viewer.objects.create(programme=programme, user=tess)
    lin = make_user("lin@example.org", first_name="Lin")
    membership = Coordinator.objects.create(programme=programme, user=lin)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    problems = _watch(page)
    figures = f"/p/{programme.pk}/figures/"
    sign_in_as(page, live_server, tess)
    page.wait_for_url(f"**{figures}")
    _visit(page, live_server, [figures], screenshot, {figures: "staff-viewer-figures"})
    assert "Vera" not in page.inner_text("main")
    sign_in_as(page, live_server, lin)
    volunteers = f"/p/{programme.pk}/volunteers/"
    _visit(
        page,
        live_server,
        [f"/p/{programme.pk}/", volunteers],
        screenshot,
        {volunteers: "staff-limited-volunteers"},
    )
    assert "Vera" in page.inner_text("main")
    assert problems == []


def test_site_admin_pages_and_country_change_console_is_clean(
    page, live_server, site_admin, programme, screenshot
):
    Organisation.objects.create(programme=programme, name="Acme Ltd")
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    problems = _watch(page)
    sign_in_as(page, live_server, site_admin)
    page.wait_for_url("**/accounts/two-factor/verify/**")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("input[name=code]", f"{code:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url("**/site/")
    detail = f"/site/{programme.pk}/"
    _visit(
        page,
        live_server,
        ["/site/", "/site/administrators/", detail, "/site/new/"],
        screenshot,
        {detail: "staff-admin-programme", "/site/new/": "staff-admin-new-programme"},
    )
    page.select_option("select[name=country]", "KE")
    page.wait_for_selector('#towns-list option[value="Nairobi"]', state="attached")
    assert page.input_value("select[name=time_zone]") == "Africa/Nairobi"
    page.fill("input[name=name]", "Nairobi Friends")
    page.fill("input[name=centre_town]", "Nairobi")
    page.fill("input[name=radius_km]", "30")
    page.check("input[name=languages][value=sw]")
    page.check("input[name=languages][value=en]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/site/*/")
    assert "Programme created" in page.inner_text("main")
    assert problems == []
