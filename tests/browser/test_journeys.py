"""Two participants' whole journeys on a phone, each in their own language.

A household signs up in Arabic and a volunteer in Simplified Chinese; each
consents, accepts a proposal, accepts a visit time, records the visit, reads
the other side's feedback and pauses.  The other side's steps are taken
through the services, as the other person's own clicks would.  At every step
the page is saved at 360 px and at desktop width, and the Arabic pages are
checked for leftover English (``tests/charter/test_translated.py``).

Screenshots go to ``$KINFOLK_SCREENSHOTS/journeys/`` (or a temporary folder);
a few of them are copied by hand into ``docs/screenshots/journeys/`` for the
README.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kinfolk.outbox.services import outbox_deliver
from kinfolk.pairings.models import Pairing, Proposal
from kinfolk.pairings.services import proposal_answer
from kinfolk.people.models import Household, Volunteer
from kinfolk.testing import make_household, make_proposal, make_user, make_visit, make_volunteer
from kinfolk.visits.models import Visit
from kinfolk.visits.services.outcomes import feedback_leave, outcome_record
from kinfolk.visits.services.times import time_propose
from tests.charter.test_translated import english_left

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long and quiet river"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def shots(tmp_path):
    """Save each step at phone and desktop width, named ``<journey>-<nn>-<step>-<size>.png``."""
    root = os.environ.get("KINFOLK_SCREENSHOTS")
    folder = (Path(root) if root else tmp_path) / "journeys"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            page.screenshot(
                path=str(folder / f"{name}-{size}.png"), full_page=True, caret="initial"
            )
        page.set_viewport_size(PHONE)

    return take


def _phone(chromium, locale: str):
    context = chromium.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _in_language(page, lang: str, *, rtl: bool) -> None:
    """The page is in ``lang``, mirrored when right-to-left, with no English left (Arabic)."""
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if rtl else "ltr")
    if lang == "ar":
        assert english_left(page.content()) == [], page.url
    # Nothing scrolls sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _sign_up(page, live_server, programme, role: str, first_name: str, email: str) -> None:
    page.goto(
        live_server.url + reverse("people:signup", args=[programme.signup_token]) + f"?role={role}"
    )
    page.fill("input[name=first_name]", first_name)
    page.fill("input[name=email]", email)
    page.check("input[name=consent]")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/sent/$"))


def _verify_link(email: str) -> str:
    outbox_deliver()
    (message,) = [m for m in mail.outbox if m.to == [email]]
    return re.search(r"https?://\S+(/join/verify/\S+/)", message.body).group(1)


def _finish(page, live_server, link: str, speaks: str) -> None:
    page.goto(live_server.url + link)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=town]", "Leeds")
    page.select_option("select[name=speaks_0]", speaks)
    page.select_option("select[name=speaks_1]", "fluent")
    page.select_option("select[name=speaks_2]", "en")
    page.select_option("select[name=speaks_3]", "conversational")
    page.check("input[name=availability][value=sat-am]")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/me/(volunteer|household)/\d+/$"))


def _visit_agreed_and_past(visit: Visit) -> None:
    Visit.objects.filter(pk=visit.pk).update(agreed_at=timezone.now() - dt.timedelta(hours=2))


def test_a_household_in_arabic_from_sign_up_to_pause(chromium, live_server, programme, shots):
    context, page = _phone(chromium, "ar")
    step = iter(range(1, 20))

    def shot(name: str) -> None:
        _in_language(page, "ar", rtl=True)
        shots(page, f"household-ar-{next(step):02d}-{name}")

    _sign_up(page, live_server, programme, "household", "هناء", "hana@example.org")
    shot("signup-sent")
    _finish(page, live_server, _verify_link("hana@example.org"), "ar")
    household = Household.objects.get(programme=programme, first_name="هناء")
    assert household.members.get().user.language == "ar"  # from the browser's Accept-Language
    shot("home")

    vera = make_volunteer(
        programme, user=make_user("vera@example.org", first_name="Vera"), first_name="Vera"
    )
    proposal = make_proposal(vera, household)
    page.reload()
    page.click(f"main a[href$='/proposal/{proposal.pk}/']")
    shot("proposal")
    page.click("main form:has(input[value=accept]) button")
    page.wait_for_url(re.compile(r".*/me/household/\d+/$"))
    proposal_answer(proposal_id=proposal.pk, person=vera, accept=True)
    pairing = Pairing.objects.get(household=household, state="active")
    shot("paired")

    visit = make_visit(pairing, window_start=timezone.localdate())
    tomorrow = timezone.now().replace(hour=11, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=1
    )
    time_propose(visit_id=visit.pk, person=vera, starts_at=tomorrow)
    page.reload()
    page.click("main .waiting-time a")
    shot("time-proposed")
    page.click("main form[action$='/accept/'] button")
    page.wait_for_selector("#agreed-time")
    assert Visit.objects.get(pk=visit.pk).state == "agreed"
    shot("time-agreed")

    _visit_agreed_and_past(visit)
    page.reload()
    page.click("main form[action$='/outcome/'] button[name=happened][value=yes]")
    page.wait_for_selector("ul.messages")
    shot("visit-recorded")

    outcome_record(visit_id=visit.pk, person=vera, happened=True)
    feedback_leave(visit_id=visit.pk, person=vera, rating=5, words="We cooked together.")
    page.reload()
    assert "We cooked together." in page.inner_text("#their-feedback")
    shot("feedback-read")

    page.goto(live_server.url + reverse("people:household_home", args=[household.pk]))
    page.click("main form[action$='/pause/'] button")
    page.wait_for_url(re.compile(r".*/me/household/\d+/$"))
    household.refresh_from_db()
    assert household.state == "paused"
    shot("paused")
    context.close()


def test_a_volunteer_in_chinese_from_sign_up_to_pause(chromium, live_server, programme, shots):
    context, page = _phone(chromium, "zh-CN")
    step = iter(range(1, 20))

    def shot(name: str) -> None:
        _in_language(page, "zh-hans", rtl=False)
        shots(page, f"volunteer-zh-{next(step):02d}-{name}")

    _sign_up(page, live_server, programme, "volunteer", "李明", "ming@example.org")
    shot("signup-sent")
    _finish(page, live_server, _verify_link("ming@example.org"), "zh-Hans")
    volunteer = Volunteer.objects.get(programme=programme, first_name="李明")
    assert volunteer.user.language == "zh-hans"
    shot("home-applied")
    # The coordinator's checks are done (their own tests drive that page).
    Volunteer.objects.filter(pk=volunteer.pk).update(
        state="active", waiting_since=timezone.localdate()
    )

    hana = make_household(
        programme, users=(make_user("hana@example.org", first_name="Hana"),), first_name="Hana"
    )
    proposal = make_proposal(volunteer, hana)
    page.reload()
    page.click(f"main a[href$='/proposal/{proposal.pk}/']")
    shot("proposal")
    page.click("main form:has(input[value=accept]) button")
    page.wait_for_url(re.compile(r".*/me/volunteer/\d+/$"))
    proposal_answer(proposal_id=proposal.pk, person=hana, accept=True)
    pairing = Pairing.objects.get(volunteer=volunteer, state="active")
    shot("paired")

    # The volunteer hosts this visit, so the household's proposed time is theirs to answer.
    visit = make_visit(pairing, window_start=timezone.localdate(), host="volunteer")
    tomorrow = timezone.now().replace(hour=11, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=1
    )
    time_propose(visit_id=visit.pk, person=hana, starts_at=tomorrow)
    page.reload()
    page.click("main .waiting-time a")
    shot("time-proposed")
    page.click("main form[action$='/accept/'] button")
    page.wait_for_selector("#agreed-time")
    shot("time-agreed")

    _visit_agreed_and_past(visit)
    page.reload()
    page.click("main form[action$='/outcome/'] button[name=happened][value=yes]")
    page.wait_for_selector("ul.messages")
    shot("visit-recorded")

    outcome_record(visit_id=visit.pk, person=hana, happened=True)
    feedback_leave(visit_id=visit.pk, person=hana, rating=5, words="我们一起包了饺子。")
    page.reload()
    assert "我们一起包了饺子。" in page.inner_text("#their-feedback")
    shot("feedback-read")

    page.goto(live_server.url + reverse("people:volunteer_home", args=[volunteer.pk]))
    page.click("main form[action$='/pause/'] button")
    page.wait_for_url(re.compile(r".*/me/volunteer/\d+/$"))
    volunteer.refresh_from_db()
    assert volunteer.state == "paused"
    assert Proposal.objects.get(pk=proposal.pk).state == "accepted"
    shot("paused")
    context.close()
