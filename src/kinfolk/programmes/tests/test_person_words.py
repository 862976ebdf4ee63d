"""Person pages in words: languages by name, a week grid, travel, conditions; no codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from kinfolk.testing import (
    make_household,
    make_pairing,
    make_proposal,
    make_user,
    make_volunteer,
)

#: Strings that would mean a code, a coordinate or a cost reached the page.
CODES = ("en:fluent", "sw:conversational", "mon-am", "tue-eve", "step_free", "Cost", "23340")


@pytest.fixture
def ana(programme):
    return make_volunteer(
        programme,
        user=make_user(first_name="Ana"),
        external_id="V-ANA",
        first_name="Ana",
        lat=53.80123,
        lon=-1.54987,
        speaks="en:conversational;sw:fluent",
        learning="ar",
        availability="mon-am;tue-eve;sun-pm",
        offers="step_free",
        accepts="pets;children",
        max_travel_km=7.5,
        travel_mode="walk",
        waiting_since=dt.date.today() - relativedelta(months=8, days=3),
    )


@pytest.fixture
def tom(programme):
    return make_household(
        programme,
        users=(make_user(first_name="Tom"),),
        external_id="H-TOM",
        first_name="Tom",
        lat=53.81,
        lon=-1.56,
        speaks="sw:conversational;ar:fluent",
        offers="pets",
        waiting_since=dt.date(2026, 5, 1),
    )


def _coordinator_page(client, coordinator, programme, person):
    client.force_login(coordinator)
    url = reverse(f"programmes:{person.side}_detail", args=[programme.pk, person.pk])
    return client.get(url).content.decode()


def _assert_in_words(page):
    assert "English (conversational)" in page and "Swahili (fluent)" in page
    assert "Arabic" in page
    assert "up to 7.5 km, on foot" in page
    assert "Ana&#x27;s home has step-free access." in page
    assert "Ana is happy to visit a home with pets and children." in page
    assert "Leeds" in page
    for code in CODES:
        assert code not in page, code
    # No latitude or longitude, in any form.
    assert "53.80" not in page and "-1.549" not in page
    assert "atitude" not in page and "ongitude" not in page


def _grid(page):
    """The week grid's rows: day name and the three cells' classes."""
    table = page[page.index('class="slot-grid week-grid"') :]
    table = table[: table.index("</table>")]
    return re.findall(
        r'<th scope="row"><abbr title="(\w+)">\w+</abbr></th>((?:<td class="\w+">.*?</td>){3})',
        table,
    )


def test_the_coordinators_person_page_is_in_words(client, coordinator, programme, ana):
    _assert_in_words(_coordinator_page(client, coordinator, programme, ana))


def test_the_week_is_a_seven_by_three_grid(client, coordinator, programme, ana):
    rows = _grid(_coordinator_page(client, coordinator, programme, ana))
    assert [day for day, _cells in rows][:2] == ["Monday", "Tuesday"]
    assert len(rows) == 7
    free = [(day, cells.count('class="free"')) for day, cells in rows]
    assert free == [
        ("Monday", 1),
        ("Tuesday", 1),
        ("Wednesday", 0),
        ("Thursday", 0),
        ("Friday", 0),
        ("Saturday", 0),
        ("Sunday", 1),
    ]


def test_the_participants_own_page_is_in_words(client, ana):
    client.force_login(ana.user)
    page = client.get(reverse("people:volunteer_home", args=[ana.pk])).content.decode()
    _assert_in_words(page)
    assert len(_grid(page)) == 7


def test_a_proposal_on_the_person_page_is_explained_in_words(
    client, coordinator, programme, ana, tom
):
    make_proposal(
        ana,
        tom,
        distance_km=2.14,
        explanation={"volunteer_rank": 1, "household_rank": 2, "cost": 23340},
    )
    page = _coordinator_page(client, coordinator, programme, ana)
    assert "2.1 km apart" in page
    assert "Ana&#x27;s 1st choice, Tom&#x27;s 2nd" in page
    assert "Ana waiting 8 months" in page
    assert "shares Swahili; Ana is learning Arabic, which Tom speaks" in page
    assert "23340" not in page and "Cost" not in page


def test_the_next_best_alternative_says_how_much_further(client, coordinator, programme, ana, tom):
    make_household(programme, external_id="H-BEA", first_name="Bea", lat=53.83, lon=-1.56)
    make_proposal(
        ana, tom, distance_km=1.3, explanation={"volunteer_alternatives": [["H-BEA", 31000]]}
    )
    page = _coordinator_page(client, coordinator, programme, ana)
    assert re.search(r"next best for Ana: Bea, \d+(\.\d)? km further", page)
    assert "31000" not in page


def test_an_alternative_from_another_programme_is_never_named(
    client, coordinator, programme, other_programme, ana, tom
):
    make_household(other_programme, external_id="H-ELSE", first_name="Elsewhere")
    make_proposal(ana, tom, explanation={"volunteer_alternatives": [["H-ELSE", 1]]})
    page = _coordinator_page(client, coordinator, programme, ana)
    assert "Elsewhere" not in page


def test_a_pairing_without_a_proposal_is_described_by_distance_and_languages(
    client, coordinator, programme, ana, tom
):
    make_pairing(ana, tom)
    page = _coordinator_page(client, coordinator, programme, tom)
    assert re.search(r"\d+(\.\d)? km apart · shares Swahili", page)
    # Both are paired now: nobody is described as waiting.
    assert "waiting 8 months" not in page and "choice" not in page
