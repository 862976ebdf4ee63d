"""In Chromium: a coordinator's lists and person pages in words, and pairing two people by name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kinfolk.pairings.models import RunRule
from kinfolk.testing import (
    make_cohort,
    make_household,
    make_proposal,
    make_user,
    make_volunteer,
    run_started,
)
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 360)


def _both_widths(page, screenshot, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _people(programme):
    ana = make_volunteer(
        programme,
        user=make_user(first_name="Ana"),
        first_name="Ana",
        last_name="Silva",
        external_id="V-ANA",
        speaks="en:conversational;sw:fluent",
        learning="ar",
        availability="mon-am;tue-eve;sat-am;sat-pm;sun-pm",
        offers="step_free",
        accepts="pets;children",
        max_travel_km=7.5,
        travel_mode="walk",
        phone="0113 496 0777",
        waiting_since=dt.date.today() - dt.timedelta(days=250),
    )
    tom = make_household(
        programme,
        users=(make_user(first_name="Tom"),),
        first_name="Tom",
        external_id="H-TOM",
        town="Leeds",
        lat=53.81,
        lon=-1.56,
        speaks="sw:conversational;ar:fluent",
        offers="pets",
    )
    make_household(programme, first_name="Bea", external_id="H-BEA", lat=53.83, lon=-1.56)
    make_proposal(
        ana,
        tom,
        distance_km=1.4,
        explanation={
            "volunteer_rank": 1,
            "household_rank": 2,
            "volunteer_alternatives": [["H-BEA", 31000]],
        },
    )
    for n, town in enumerate(["Otley", "Bradford", "Wakefield", "Leeds"]):
        make_volunteer(programme, first_name=f"Sam{n}", town=town, state="active")
    return ana


def test_the_lists_and_the_person_page_read_in_words(
    page, live_server, programme, coordinator, screenshot
):
    ana = _people(programme)
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))

    page.goto(live_server.url + reverse("programmes:volunteers", args=[programme.pk]))
    page.click("table.people thead a:has-text('Town')")
    page.wait_for_url(re.compile(r".*sort=town.*"))
    towns = page.locator("table.people tbody td[data-label=Town]").all_inner_texts()
    assert towns == sorted(towns)
    page.fill("input[name=town]", "lee")
    page.click("form.search button[type=submit]")
    page.wait_for_url(re.compile(r".*town=lee.*"))
    assert "Otley" not in page.inner_text("table.people")
    assert "waiting since" in page.inner_text("table.people")
    _both_widths(page, screenshot, "people-list")

    page.fill("input[name=q]", "(0113) 496 0777")
    page.fill("input[name=town]", "")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("text=1 found")
    assert "proposed on" in page.inner_text("table.people")
    page.click("table.people a:has-text('Ana')")

    page.wait_for_selector("table.week-grid")
    main = page.inner_text("main")
    for words in (
        "English (conversational)",
        "up to 7.5 km, on foot",
        "Ana is happy to visit a home with pets and children.",
        "1.4 km apart",
        "Ana's 1st choice, Tom's 2nd",
        "shares Swahili; Ana is learning Arabic, which Tom speaks",
        "next best for Ana: Bea",
    ):
        assert words in main, words
    assert "sw:fluent" not in main and "31000" not in main and "atitude" not in main
    assert page.locator("table.week-grid td.free").count() == 5
    _both_widths(page, screenshot, "person-page")
    assert ana.first_name in main


def test_a_coordinator_pairs_two_people_by_typing_their_names(
    page, live_server, programme, coordinator, screenshot, django_capture_on_commit_callbacks
):
    make_cohort(programme, n=3)
    make_volunteer(programme, first_name="Zoltan", last_name="Nagy", external_id="V-ZN")
    run = run_started(programme, coordinator, django_capture_on_commit_callbacks)
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))
    page.goto(live_server.url + reverse("matching:run_detail", args=[programme.pk, run.pk]))

    page.fill("input[name=volunteer_id]", "Zol")
    offered = "#volunteer-choices option[value='Zoltan Nagy · V-ZN']"
    page.wait_for_selector(offered, state="attached")
    page.fill("input[name=volunteer_id]", "Zoltan Nagy · V-ZN")
    page.fill("input[name=household_id]", "Home2")
    page.wait_for_selector("#household-choices option", state="attached")
    _both_widths(page, screenshot, "pair-by-name")
    page.click("#manual button[type=submit]")
    page.wait_for_selector("text=are paired by hand")
    rule = RunRule.objects.get()
    assert (rule.volunteer.first_name, rule.household.first_name) == ("Zoltan", "Home2")


def test_a_participant_reads_their_own_profile_in_words(page, live_server, programme, screenshot):
    ana = _people(programme)
    sign_in_as(page, live_server, ana.user)
    page.goto(live_server.url + reverse("people:volunteer_home", args=[ana.pk]))
    page.wait_for_selector("table.week-grid")
    profile = page.inner_text("#profile-heading >> xpath=..")
    assert "Swahili (fluent)" in profile and "up to 7.5 km, on foot" in profile
    assert "sw:fluent" not in profile and "atitude" not in profile
    _both_widths(page, screenshot, "own-profile")
