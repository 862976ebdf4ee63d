"""Paper consent, linking an account, recording a withdrawal and the access log, in Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from kinfolk.people.models import Volunteer
from kinfolk.people.services.coordination import paper_consent_record
from kinfolk.people.tests.test_coordination_services import PROFILE
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

RLO = "\u202e"


def _fill_paper_consent(page, first_name: str, email: str) -> None:
    page.select_option("select[name=role]", "volunteer")
    page.fill("input[name=given_on]", "2026-02-03")
    page.fill("input[name=email]", email)
    page.fill("input[name=first_name]", first_name)
    page.fill("input[name=town]", "Leeds")
    page.select_option("select[name=speaks_0]", "en")
    page.select_option("select[name=speaks_1]", "fluent")
    page.check("input[name=availability][value=mon-eve]")


def test_a_paper_consent_with_a_known_address_invites_its_owner_to_link_it(
    page, live_server, programme, coordinator, other_volunteer, screenshot
):
    sign_in_as(page, live_server, coordinator)
    page.goto(live_server.url + reverse("programmes:paper_consent", args=[programme.pk]))
    # A name that starts with a right-to-left override: it must not turn the page around.
    _fill_paper_consent(page, f"{RLO}lraeP", "bea@example.org")
    page.click("main button:has-text('Record')")
    page.wait_for_selector("text=an invitation to link an existing account was sent")
    pearl = Volunteer.objects.get(programme=programme, first_name=f"{RLO}lraeP")
    assert pearl.user is None
    assert "Bea" not in page.inner_text("main")
    assert page.locator("ul.messages bdi").first.inner_text() == f"{RLO}lraeP"
    screenshot("privacy-01-paper-consent-link-sent")

    (invitation,) = [m for m in mail.outbox if m.to == ["bea@example.org"]]
    link = re.search(r"https?://\S+(/invite/\S+/)", invitation.body).group(1)
    sign_in_as(page, live_server, other_volunteer.user)
    page.goto(live_server.url + link)
    screenshot("privacy-02-link-invitation")
    page.check("input[name=consent]")
    page.click("main button:has-text('Accept and join')")
    page.wait_for_url(f"**{reverse('people:volunteer_home', args=[pearl.pk])}")
    pearl.refresh_from_db()
    assert pearl.user == other_volunteer.user
    screenshot("privacy-03-linked")


def test_a_coordinator_records_a_withdrawal_made_on_paper(
    page, live_server, programme, coordinator, screenshot
):
    household = paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="household",
        given_on=dt.date(2026, 1, 15),
        profile={**PROFILE, "phone": "0113 496 0000", "address": "4 Park Row, Leeds"},
    ).person
    sign_in_as(page, live_server, coordinator)
    page.goto(
        live_server.url + reverse("programmes:household_detail", args=[programme.pk, household.pk])
    )
    assert "4 Park Row, Leeds" in page.inner_text(".contact-details")
    screenshot("privacy-04-person-with-contact-details")
    page.click("main a:has-text('Record a withdrawal')")
    screenshot("privacy-05-withdrawal-confirm")
    page.click("main button:has-text('Record the withdrawal')")
    page.wait_for_selector("text=they have left the programme")
    assert "recorded by Cora" in page.inner_text("main")
    household.refresh_from_db()
    assert household.state == "left"
    screenshot("privacy-06-withdrawal-recorded")


def test_a_household_sees_who_read_its_contact_details(
    page, live_server, programme, coordinator, household, household_user, screenshot
):
    sign_in_as(page, live_server, coordinator)
    page.goto(
        live_server.url + reverse("programmes:household_detail", args=[programme.pk, household.pk])
    )
    sign_in_as(page, live_server, household_user)
    page.goto(live_server.url + reverse("privacy:my_data"))
    log = page.inner_text("main")
    assert "Cora (coordinator, appointed on" in log and "a coordinator's page about you" in log
    assert "e-mail, phone, address" in log
    screenshot("privacy-07-my-data-access-log")
