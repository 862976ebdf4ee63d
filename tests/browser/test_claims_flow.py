"""In Chromium: a volunteer claims for a visit with a photo of the receipt; the coordinator
checks the unconfirmed visit, approves, downloads the file for finance and marks it paid.

Screenshots at 1280 and 360 px wide when KINFOLK_SCREENSHOTS names a folder.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kinfolk.budget.models import ExpenseClaim
from kinfolk.budget.tests.claim_helpers import jpeg_with_gps
from kinfolk.outbox.models import Message
from kinfolk.testing import make_pairing, make_visit
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _both_widths(page, screenshot, name):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            f"{name} scrolls sideways at {width} px"
        )
        screenshot(f"claims-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_claim_from_visit_to_payment(
    page, live_server, programme, coordinator, volunteer, household, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    today = programme.today()
    household.lat += 0.03
    household.save(update_fields=["lat"])
    pairing = make_pairing(volunteer, household, started_on=today - dt.timedelta(days=90))
    make_visit(pairing, window_start=today - dt.timedelta(days=60), state="happened")
    make_visit(
        pairing,
        window_start=today - dt.timedelta(days=10),
        state="unconfirmed",
        volunteer_outcome="happened",
        household_outcome="missed",
    )
    photo = tmp_path / "receipt.jpg"
    photo.write_bytes(jpeg_with_gps((400, 600)))

    sign_in_as(page, live_server, volunteer.user)
    page.goto(live_server.url + reverse("people:volunteer_home", args=[volunteer.pk]))
    page.click("a:has-text('Your expense claims')")
    _both_widths(page, screenshot, "01-my-claims")
    page.locator("a:has-text('Claim for the visit')").first.click()
    assert page.input_value("#id_distance_km") == "8.7"
    page.select_option("#id_travel_mode", "car")
    page.fill("#id_travel_cost", "-3")
    page.click("button:has-text('Send the claim')")
    assert "cannot be negative" in page.inner_text("main")
    page.fill("#id_travel_cost", "3.80")
    page.fill("#id_other_cost", "4.50")
    page.fill("#id_other_what", "Biscuits for tea")
    page.set_input_files("#id_receipt", str(photo))
    _both_widths(page, screenshot, "02-claim-form")
    page.click("button:has-text('Send the claim')")
    page.wait_for_url(re.compile(r".*/claims/\d+/$"))
    assert "8.30 GBP" in page.inner_text("#claim-total")
    _both_widths(page, screenshot, "03-my-claim")

    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))
    page.goto(live_server.url + reverse("budget:claims", args=[programme.pk]))
    _both_widths(page, screenshot, "04-coordinator-list")
    page.click(".claim-row a")
    # The click returns once the page is there, not its picture: wait for the receipt to load.
    page.locator("img.receipt").evaluate(
        "img => img.complete || new Promise(done => img.addEventListener('load', done))"
    )
    assert page.locator("img.receipt").evaluate("img => img.naturalWidth") == 400
    page.check("input[value=approve]")
    page.click("button:has-text('Save the decision')")
    assert "Say how you confirmed" in page.inner_text("main")
    page.check("input[value=approve]")
    page.fill("#id_confirmation_note", "Rang both; they met at the library.")
    _both_widths(page, screenshot, "05-claim-decide")
    page.click("button:has-text('Save the decision')")
    page.wait_for_url(re.compile(r".*/claims/$"))
    assert Message.objects.filter(purpose="claim_decided").count() == 1

    page.click("a:has-text('Pay approved claims')")
    with page.expect_download() as download:
        page.click("a:has-text('Download for finance (CSV)')")
    assert "Biscuits for tea" in download.value.path().read_text(encoding="utf-8-sig")
    _both_widths(page, screenshot, "06-payment")
    page.click("button:has-text('Mark the ticked claims paid')")
    page.wait_for_url(re.compile(r".*/payment/\?through=\d+$"))  # the same batch, ticked paid
    assert ExpenseClaim.objects.get().state == "paid"


def test_hundreds_of_claims_page_by_page_and_a_batch_paid_at_once(
    page, live_server, programme, coordinator, volunteer, household, screenshot, tmp_path, settings
):
    from kinfolk.budget.tests.claim_helpers import many_claims

    settings.MEDIA_ROOT = tmp_path / "uploads"
    many_claims(volunteer, household, 120, first_minor=250)
    many_claims(volunteer, household, 230, state="approved", first_minor=1000)
    many_claims(volunteer, household, 4, side="household", first_minor=75)
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))
    page.goto(live_server.url + reverse("budget:claims", args=[programme.pk]) + "?side=volunteer")
    assert "120 claims" in page.inner_text("#claims-found")
    _both_widths(page, screenshot, "07-list-page-1")
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r".*page=2.*"))
    assert "side=volunteer" in page.url
    assert "Page 2 of 3" in page.inner_text("nav.pagination")
    _both_widths(page, screenshot, "08-list-page-2")

    page.goto(live_server.url + reverse("budget:claims_payment", args=[programme.pk]))
    assert "230 approved claims wait for payment" in page.inner_text("#batch-summary")
    _both_widths(page, screenshot, "09-payment-batch")
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r".*through=\d+.*page=2.*"))
    _both_widths(page, screenshot, "10-payment-page-2")
    page.click("button:has-text('Mark the whole batch paid')")
    page.wait_for_url(re.compile(r".*/payment/$"))
    assert "230 claims are marked paid" in page.inner_text("main")
    assert ExpenseClaim.objects.filter(state="paid").count() == 230
