"""The coordinator's check-in page: both lists paged, with their true totals, never cut."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.testing import make_pairing, make_visit
from kinfolk.visits.models import Visit
from kinfolk.visits.selectors import check_in_entries, check_in_list, check_in_pairing_ids

TODAY = timezone.localdate


def _bulk_pairings(programme, n, **visit_fields):
    """``n`` active pairings, each with one window closed 12 weeks ago, in a few queries."""
    person = {"programme": programme, "state": "active", "town": "Leeds", "lat": 53.8, "lon": -1.5}
    vs = Volunteer.objects.bulk_create(
        [Volunteer(external_id=f"BV{i}", first_name=f"Bv{i}", **person) for i in range(n)]
    )
    hs = Household.objects.bulk_create(
        [Household(external_id=f"BH{i}", first_name=f"Bh{i}", **person) for i in range(n)]
    )
    pairings = Pairing.objects.bulk_create(
        [
            Pairing(programme=programme, volunteer=v, household=h, started_on=dt.date(2025, 1, 1))
            for v, h in zip(vs, hs, strict=True)
        ]
    )
    start = TODAY() - dt.timedelta(weeks=12)
    Visit.objects.bulk_create(
        [
            Visit(
                pairing=p,
                period=0,
                sequence=1,
                window_start=start,
                window_end=start + dt.timedelta(days=6),
                host="household",
                **visit_fields,
            )
            for p in pairings
        ]
    )
    return pairings


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _page(client, programme, query=""):
    url = reverse("visits:programme_check_in", args=[programme.pk])
    return client.get(url + query).content.decode()


def test_more_than_two_thousand_pairs_to_check_in_with_are_all_counted_and_paged(
    signed_in, programme
):
    _bulk_pairings(programme, 2001, state="unconfirmed")
    first = _page(signed_in, programme)
    assert "2001 pairs to check in with" in first
    assert first.count('class="check-in-row"') == 50
    assert "Page 1 of 41" in first
    last = _page(signed_in, programme, "?page=41")
    assert last.count('class="check-in-row"') == 1 and "Page 41 of 41" in last


def test_more_than_two_hundred_windows_without_a_record_are_all_counted_and_paged(
    signed_in, programme
):
    _bulk_pairings(programme, 201)  # planned windows that closed 12 weeks ago, no record
    first = _page(signed_in, programme)
    overdue = first[first.index('id="overdue"') :]
    assert "201 windows" in overdue
    assert overdue.count('class="overdue-row"') == 50 and "Page 1 of 5" in overdue
    last = _page(signed_in, programme, "?overdue_page=5")
    assert last[last.index('id="overdue"') :].count('class="overdue-row"') == 1


def test_the_two_lists_page_independently(signed_in, programme):
    _bulk_pairings(programme, 60)  # overdue: on both lists
    page = _page(signed_in, programme, "?page=2&overdue_page=1")
    check_in = page[: page.index('id="overdue"')]
    assert check_in.count('class="check-in-row"') == 10
    assert page[page.index('id="overdue"') :].count('class="overdue-row"') == 50
    links = re.findall(r'href="([^"]*overdue_page=2[^"]*)"', page)
    assert links and all("page=2" in link for link in links)  # the other list keeps its page


def test_a_page_past_the_end_shows_the_last_page(signed_in, programme):
    _bulk_pairings(programme, 3, state="unconfirmed")
    page = _page(signed_in, programme, "?page=99&overdue_page=x")
    assert page.count('class="check-in-row"') == 3


def _closed(pairing, weeks_ago, **fields):
    return make_visit(pairing, window_start=TODAY() - dt.timedelta(weeks=weeks_ago), **fields)


def test_a_pair_is_counted_only_when_it_has_something_to_show(programme, volunteer, household):
    from kinfolk.testing import make_household, make_volunteer

    def pair():
        return make_pairing(make_volunteer(programme), make_household(programme))

    lone_miss, two_misses, split_misses, overdue = pair(), pair(), pair(), pair()
    _closed(lone_miss, 12, state="missed")
    _closed(two_misses, 20, state="missed")
    _closed(two_misses, 12, state="missed")
    _closed(split_misses, 28, state="missed")
    _closed(split_misses, 20, state="happened")
    _closed(split_misses, 12, state="missed")
    _closed(overdue, 12)
    ids = check_in_pairing_ids(programme=programme, today=TODAY())
    assert ids == sorted([two_misses.pk, overdue.pk])
    entries = check_in_entries(programme=programme, today=TODAY(), pairing_ids=ids)
    assert [e.pairing.pk for e in entries] == ids and all(e.facts for e in entries)
    assert [e.pairing.pk for e in check_in_list(programme=programme, today=TODAY())] == ids


def test_the_lists_read_the_page_in_a_bounded_number_of_queries(
    signed_in, programme, django_assert_max_num_queries
):
    _bulk_pairings(programme, 120, state="unconfirmed")
    with django_assert_max_num_queries(16):
        _page(signed_in, programme)
