"""A participant's home page and a household's adults page, and a coordinator's check flag.

Run alone: ``pytest -m browser -n 0 tests/browser/test_participant_pages.py``; with
``KINFOLK_SCREENSHOTS`` set each page is saved at 1280 and 360 pixels wide.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.introductions.models import Introduction
from kinfolk.people.models import HouseholdMember, Invitation
from kinfolk.testing import make_pairing, make_proposal, make_time, make_user, make_visit
from kinfolk.vetting.tests.helpers import days, make_check
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def both_widths(page, screenshot):
    """Save the page at 1280 and at 360 pixels wide, and check nothing spills sideways."""

    def take(name: str) -> None:
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            wider = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not wider, f"{name} scrolls sideways at {width} px"
            screenshot(f"{name}-{width}")

    return take


def test_the_home_page_says_what_waits(
    page, live_server, volunteer, household, household_user, both_widths
):
    visit = make_visit(make_pairing(volunteer, household))
    make_time(visit, by="volunteer")
    Introduction.objects.create(volunteer=volunteer, about_me="Retired teacher.")
    sign_in_as(page, live_server, household_user)
    page.goto(live_server.url + reverse("people:household_home", args=[household.pk]))
    waiting = page.inner_text("#waiting")
    assert "Vera proposes" in waiting
    both_widths("participant-home-time-to-answer")
    page.click("#waiting a:has-text('Answer')")
    page.wait_for_url(re.compile(r".*/visits/\d+/$"))
    page.click("main button:has-text('Decline')")
    page.wait_for_selector("text=You said no to this time")


def test_a_button_with_a_name_inside_keeps_its_spaces_and_thumb_size(
    page, live_server, volunteer, household, household_user, both_widths
):
    make_pairing(volunteer, household)
    sign_in_as(page, live_server, household_user)
    page.goto(live_server.url + reverse("people:household_home", args=[household.pk]))
    button = page.locator("main a.button", has_text="How to reach")
    # The rendered words, as a reader sees and a screen reader speaks them.
    assert button.inner_text() == f"How to reach {volunteer.first_name}"
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44
    both_widths("participant-home-paired")


def test_a_yes_waiting_for_the_other_side_and_the_proposal_shows_an_introduction(
    page, live_server, programme, volunteer, volunteer_user, both_widths
):
    from kinfolk.testing import make_household

    hana = make_household(programme, users=(make_user("hh@example.org"),), first_name="Hana")
    Introduction.objects.create(household=hana, about_me="We love board games.", interests="tea")
    proposal = make_proposal(volunteer, hana, volunteer_answer="accepted")
    sign_in_as(page, live_server, volunteer_user)
    page.goto(live_server.url + reverse("people:volunteer_home", args=[volunteer.pk]))
    assert "You said yes to meeting Hana" in page.inner_text("#state-heading + p")
    both_widths("participant-home-said-yes")
    page.goto(
        live_server.url
        + reverse("pairings:proposal_detail", args=["volunteer", volunteer.pk, proposal.pk])
    )
    assert "We love board games." in page.inner_text("#partner-introduction")
    both_widths("participant-proposal-introduction")


def test_a_household_cancels_an_invitation_and_removes_an_adult(
    page, live_server, household, household_user, both_widths
):
    kofi = make_user("kofi@example.org", first_name="Kofi")
    HouseholdMember.objects.create(household=household, user=kofi)
    Invitation.objects.create(
        programme=household.programme,
        role="household_adult",
        household=household,
        email="ama.a.very.long.address.indeed@example.org",
        first_name="Ama",
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    sign_in_as(page, live_server, household_user)
    page.goto(live_server.url + reverse("people:household_adults", args=[household.pk]))
    assert "Ama" in page.inner_text("#pending-heading + ul")
    both_widths("household-adults")
    page.click("main button:has-text('Cancel invitation')")
    page.wait_for_selector("text=The invitation to")
    assert not Invitation.objects.exists()
    page.click("main button:has-text('Remove Kofi')")
    page.wait_for_selector("text=is no longer an adult of this household")
    assert "Remove me" not in page.inner_text("main")  # the last adult stays
    both_widths("household-adults-one-left")


def test_the_coordinator_sees_an_expired_check_and_a_bad_date_is_refused(
    page, live_server, programme, coordinator, volunteer, household, both_widths
):
    make_pairing(volunteer, household)
    make_check(volunteer, "references", expires_on=days(-3, programme))
    sign_in_as(page, live_server, coordinator)
    page.goto(
        live_server.url + reverse("programmes:volunteer_detail", args=[programme.pk, volunteer.pk])
    )
    assert "The pairing carries on" in page.inner_text("#check-expired-flag")
    both_widths("coordinator-check-expired")
    page.click("#check-expired-flag a")
    page.fill("input[name=completed_on]", days(-1, programme).isoformat())
    page.fill("input[name=expires_on]", days(-2, programme).isoformat())
    page.click("main button:has-text('Record the check')")
    page.wait_for_selector("text=A check cannot expire before it was done")
    both_widths("coordinator-check-renew-refused")


def test_the_coordinator_sets_how_long_checks_stay_valid(
    page, live_server, programme, coordinator, volunteer, both_widths
):
    make_check(volunteer, "references", done=days(-400, programme), expires_on=None)
    sign_in_as(page, live_server, coordinator)
    page.goto(live_server.url + reverse("vetting:check_validity", args=[programme.pk]))
    page.fill("input[name=references]", "12")
    page.click("main button:has-text('Save')")
    page.wait_for_selector("text=Checks are dated from these validities")
    assert "Vera" in page.inner_text("#expiring-heading + .table-wrap")
    both_widths("coordinator-check-validity")
