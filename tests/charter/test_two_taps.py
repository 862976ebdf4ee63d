"""A participant's three most frequent actions are at most two taps from their home page.

Answering a visit time, recording that a visit happened and pausing: each
is reached from the home page by following at most one link and pressing
one button.  A tap here is following a link, or pressing a submit button
of a form that asks for nothing else (only hidden fields and buttons): a
form with a choice still to make is one tap more.  Each action is then
really taken, through the button the page shows, and the database checked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import Volunteer
from kinfolk.testing import make_pairing, make_time, make_visit
from kinfolk.visits.models import TimeProposal, Visit

pytestmark = pytest.mark.django_db


@dataclass
class _Form:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # name, value, words
    asks: list[str] = field(default_factory=list)  # fields a person must still fill or choose


class _Page(HTMLParser):
    """The links and POST forms of a page, as a thumb sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._button: list | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "").lower() == "post":
            self._form = _Form(action=a.get("action", ""))
        elif self._form is None:
            return
        elif tag == "input" and a.get("type") == "hidden":
            self._form.hidden[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._button = [a.get("name", ""), a.get("value", ""), ""]
        elif tag in ("input", "select", "textarea") and a.get("type") != "submit":
            self._form.asks.append(a.get("name", tag))

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button[2] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None and self._form is not None:
            self._form.buttons.append(tuple(self._button))
            self._button = None
        elif tag == "form":
            if self._form is not None:
                self.forms.append(self._form)
            self._form = None


def _read(client, url: str) -> _Page:
    """The page at ``url`` (after its redirects); an empty one for a file or a refusal."""
    response = client.get(url, follow=True)
    page = _Page()
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        page.feed(response.content.decode())
    return page


def _one_tap(page: _Page, action: str, words: str) -> tuple[_Form, tuple] | None:
    """The button on ``page`` that takes ``action`` in one press, its words containing ``words``."""
    for form in page.forms:
        if form.action != action or form.asks:
            continue
        for button in form.buttons:
            if words in button[2]:
                return form, button
    return None


def _reach(client, home: str, action: str, words: str) -> tuple[int, _Form, tuple]:
    """Taps from ``home`` to a button for ``action``: one on the home page, or a link then one."""
    page = _read(client, home)
    if found := _one_tap(page, action, words):
        return 1, *found
    for link in dict.fromkeys(page.links):
        if found := _one_tap(_read(client, link), action, words):
            return 2, *found
    raise AssertionError(f"no button for {action} within two taps of {home}")


def _press(client, form: _Form, button: tuple) -> None:
    data = dict(form.hidden)
    if button[0]:
        data[button[0]] = button[1]
    assert client.post(form.action, data).status_code in (200, 302)


@pytest.fixture
def paired(volunteer, household):
    return make_pairing(volunteer, household)


def _home(volunteer: Volunteer) -> str:
    return reverse("people:volunteer_home", args=[volunteer.pk])


def test_answering_a_visit_time_takes_two_taps(client, volunteer, paired):
    visit = make_visit(paired)
    time = make_time(visit, by="household")
    client.force_login(volunteer.user)
    accept = reverse("visits:time_accept", args=["volunteer", volunteer.pk, visit.pk, time.pk])
    taps, form, button = _reach(client, _home(volunteer), accept, "Accept")
    assert taps <= 2
    _press(client, form, button)
    time.refresh_from_db()
    assert time.state == TimeProposal.State.ACCEPTED


def test_recording_that_a_visit_happened_takes_two_taps(client, volunteer, paired):
    """The agreed time has passed, the window is still open: the next visit on the home page."""
    visit = make_visit(paired, state="agreed", agreed_at=timezone.now() - dt.timedelta(hours=2))
    visit.window_start = volunteer.programme.today() - dt.timedelta(days=1)
    visit.save(update_fields=["window_start"])
    client.force_login(volunteer.user)
    record = reverse("visits:outcome_record", args=["volunteer", volunteer.pk, visit.pk])
    taps, form, button = _reach(client, _home(volunteer), record, "Yes")
    assert taps <= 2
    _press(client, form, button)
    visit.refresh_from_db()
    assert visit.volunteer_outcome == "happened"


def test_recording_an_overdue_visit_takes_two_taps(client, volunteer, paired):
    """A window that closed without a record is linked from the home page, not only counted."""
    today = volunteer.programme.today()
    visit = make_visit(paired)
    visit.window_start = today - dt.timedelta(days=20)
    visit.window_end = today - dt.timedelta(days=6)
    visit.save(update_fields=["window_start", "window_end"])
    client.force_login(volunteer.user)
    record = reverse("visits:outcome_record", args=["volunteer", volunteer.pk, visit.pk])
    taps, form, button = _reach(client, _home(volunteer), record, "Yes")
    assert taps <= 2
    _press(client, form, button)
    visit.refresh_from_db()
    assert visit.volunteer_outcome == "happened"


def test_saying_it_did_not_happen_is_as_near(client, volunteer, paired):
    visit = make_visit(paired, state="agreed", agreed_at=timezone.now() - dt.timedelta(hours=2))
    visit.window_start = volunteer.programme.today() - dt.timedelta(days=1)
    visit.save(update_fields=["window_start"])
    client.force_login(volunteer.user)
    record = reverse("visits:outcome_record", args=["volunteer", volunteer.pk, visit.pk])
    taps, form, button = _reach(client, _home(volunteer), record, "No")
    assert taps <= 2
    _press(client, form, button)
    visit.refresh_from_db()
    assert visit.volunteer_outcome == "missed"
    assert visit.state != Visit.State.HAPPENED


def test_pausing_takes_at_most_two_taps(client, household, household_user, paired):
    client.force_login(household_user)
    home = reverse("people:household_home", args=[household.pk])
    pause = reverse("people:household_pause", args=[household.pk])
    taps, form, button = _reach(client, home, pause, "Pause")
    assert taps <= 2
    _press(client, form, button)
    household.refresh_from_db()
    assert household.state == "paused"


def test_a_form_with_a_choice_left_is_not_one_tap():
    """The counting can fail: a form that still asks a question is not a one-press button."""
    page = _Page()
    page.feed(
        '<form method="post" action="/x/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input type="radio" name="happened" value="yes">'
        '<button type="submit">Record</button></form>'
    )
    assert _one_tap(page, "/x/", "Record") is None
