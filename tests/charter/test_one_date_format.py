"""One date format on every page and in every message: the locale's, never ISO ``YYYY-MM-DD``.

Every page is opened by every kind of person (``pages.py``) with dates in
the profile, the proposal, the pairing and its visits, and the visible text
is scanned for ISO dates.  What a person types or copies is left out: form
inputs, attributes and ``<code>`` examples of the input format.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from kinfolk.pairings.models import MatchingRun
from kinfolk.pairings.review import proposals_notify
from kinfolk.pairings.services import proposals_lapse
from kinfolk.people.services.coordination import consent_withdraw_record, invitation_create
from kinfolk.people.services.participation import household_adult_invite
from kinfolk.testing import make_proposal
from tests.charter.pages import pages_walk, world_build

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: Elements whose text is input, code or not shown.
SKIPPED = {"textarea", "script", "style", "code"}


class _VisibleText(HTMLParser):
    """The text a reader sees, without attributes and without ``SKIPPED`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skipping += tag in SKIPPED

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in SKIPPED and self.skipping > 0

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


def test_the_scan_sees_text_but_not_inputs_attributes_or_code():
    page = (
        '<p title="2026-01-02">Due 2026-01-03</p><input value="2026-01-04">'
        "<textarea>2026-01-05</textarea><code>2026-01-06..2026-01-07</code>"
    )
    assert ISO_DATE.findall(visible_text(page)) == ["2026-01-03"]


@pytest.mark.parametrize("state", ["proposal_open", "active"])
def test_no_page_shows_an_iso_date(db, state):
    world = world_build(state)
    for person in world.people.values():
        person.blackout = "2026-12-20..2027-01-03;2027-08-01"
        person.save(update_fields=["blackout"])
    found = [
        f"{url} as the {key}: {', '.join(ISO_DATE.findall(visible_text(page)))}"
        for key, _viewer, url, page in pages_walk(world)
        if ISO_DATE.search(visible_text(page))
    ]
    assert found == [], "ISO dates in visible text:\n" + "\n".join(found)


def test_no_message_shows_an_iso_date(
    programme,
    coordinator,
    volunteer,
    household,
    household_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    run = MatchingRun.objects.create(programme=programme, status="sent")
    make_proposal(volunteer, household, run=run)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            programme=programme,
            created_by=coordinator,
            role="volunteer",
            email="ivy@example.org",
            first_name="Ivy",
        )
        household_adult_invite(
            household=household, invited_by=household_user, first_name="Kofi", email="k@example.org"
        )
        proposals_notify(run_id=run.pk)
        proposals_lapse(now=timezone.now() + dt.timedelta(days=6))  # the halfway nudge
    # Delivered first: the outbox drops a proposal's notices once its volunteer has left.
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw_record(person=volunteer, recorded_by=coordinator)
    assert len(mailoutbox) >= 6
    found = [
        f"{m.subject}: {ISO_DATE.findall(m.body)}" for m in mailoutbox if ISO_DATE.search(m.body)
    ]
    assert found == []
