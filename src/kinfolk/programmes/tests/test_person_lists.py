"""Lists of volunteers and households: status, sorting, town prefix, search by contact details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.privacy.models import ContactAccessLog
from kinfolk.privacy.services import contact_details_write
from kinfolk.testing import (
    make_household,
    make_pairing,
    make_proposal,
    make_user,
    make_volunteer,
)


def _url(programme, kind="volunteers"):
    return reverse(f"programmes:{kind}", args=[programme.pk])


def _names(response):
    return [row["person"].first_name for row in response.context["rows"]]


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


# --- the status column -----------------------------------------------------------------


def test_each_row_says_waiting_since_proposed_paired_or_paused(signed_in, programme, household):
    waiting = make_volunteer(programme, first_name="Wes", waiting_since=dt.date(2026, 3, 2))
    proposed = make_volunteer(programme, first_name="Pia")
    make_proposal(proposed, household)
    paired = make_volunteer(programme, first_name="Pat")
    make_pairing(paired, make_household(programme), started_on=dt.date(2026, 6, 1))
    make_volunteer(programme, first_name="Pru", state="paused")
    response = signed_in.get(_url(programme))
    codes = {r["person"].first_name: r["status"].code for r in response.context["rows"]}
    assert codes == {"Wes": "waiting", "Pia": "proposed", "Pat": "paired", "Pru": "paused"}
    page = response.content.decode()
    assert "waiting since March 2, 2026" in page
    assert "paired since June 1, 2026" in page
    assert "proposed on" in page and "paused" in page
    assert waiting.first_name in page


# --- sorting ---------------------------------------------------------------------------


@pytest.fixture
def three(programme):
    make_volunteer(
        programme, first_name="Cy", town="Leeds", state="active", waiting_since=dt.date(2026, 5, 1)
    )
    make_volunteer(
        programme, first_name="Al", town="Otley", state="paused", waiting_since=dt.date(2026, 7, 1)
    )
    make_volunteer(programme, first_name="Bo", town="Bradford", state="applied", waiting_since=None)


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("name", ["Al", "Bo", "Cy"]),
        ("town", ["Bo", "Cy", "Al"]),
        ("waiting", ["Cy", "Al", "Bo"]),
        ("state", ["Cy", "Bo", "Al"]),
    ],
)
def test_lists_sort_by_name_town_waiting_time_and_state(signed_in, programme, three, sort, names):
    assert _names(signed_in.get(_url(programme), {"sort": sort})) == names


@pytest.mark.parametrize(
    ("sort", "names"),
    [("name", ["Alba", "Alf", "Alma"]), ("waiting", ["Alma", "Alba", "Alf"])],
)
def test_what_a_search_finds_keeps_the_chosen_order(signed_in, programme, sort, names):
    for name, since in (
        ("Alf", None),
        ("Alba", dt.date(2026, 4, 1)),
        ("Alma", dt.date(2026, 2, 1)),
    ):
        make_volunteer(programme, first_name=name, waiting_since=since)
    make_volunteer(programme, first_name="Bert")
    assert _names(signed_in.get(_url(programme), {"q": "al", "sort": sort})) == names


def test_a_later_page_lists_the_next_people_in_order(signed_in, programme):
    for n in range(55):
        make_volunteer(programme, first_name=f"Row{n:02d}")
    second = _names(signed_in.get(_url(programme), {"page": 2}))
    assert second == [f"Row{n:02d}" for n in range(50, 55)]


def test_an_unknown_sort_key_is_named_and_the_list_is_sorted_by_name(signed_in, programme, three):
    response = signed_in.get(_url(programme), {"sort": "cost"})
    assert response.status_code == 200
    assert _names(response) == ["Al", "Bo", "Cy"]
    assert "“cost” is not a way to sort this list" in response.content.decode()


def test_the_column_headings_sort_the_list(signed_in, programme, three):
    page = signed_in.get(_url(programme), {"town": "o", "page": "1"}).content.decode()
    assert "?town=o&amp;sort=town" in page


# --- the town filter -------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Brad", "brad", "BRADFORD", " bradf"])
def test_the_town_filter_matches_the_start_of_the_name_in_any_case(
    signed_in, programme, three, typed
):
    assert _names(signed_in.get(_url(programme), {"town": typed})) == ["Bo"]


def test_the_town_filter_does_not_match_the_middle_of_a_name(signed_in, programme, three):
    assert _names(signed_in.get(_url(programme), {"town": "ford"})) == []


# --- search ----------------------------------------------------------------------------


def test_search_by_name_or_id(signed_in, programme, three):
    make_volunteer(programme, first_name="Dee", external_id="V-DEE-1")
    assert _names(signed_in.get(_url(programme), {"q": "cy"})) == ["Cy"]
    assert _names(signed_in.get(_url(programme), {"q": "v-dee-1"})) == ["Dee"]


def test_search_by_phone_however_it_is_typed_and_the_find_is_logged(
    signed_in, programme, coordinator
):
    found = make_volunteer(programme, first_name="Fay", phone="0113 496 0777")
    make_volunteer(programme, first_name="Gil", phone="0113 496 0778")
    for typed in ("0113 496 0777", "+441134960777", "(0113) 4960777"):
        assert _names(signed_in.get(_url(programme), {"q": typed})) == ["Fay"]
    log = ContactAccessLog.objects.get()
    assert (log.viewer_id, log.person_kind, log.person_id) == (
        coordinator.pk,
        "volunteer",
        found.pk,
    )
    assert log.fields == "phone" and log.reasons == "coordinator list search"
    # The number is never printed in the list: only who has it.
    assert "496 0777" not in signed_in.get(_url(programme), {"q": "+441134960777"}).content.decode()


def test_the_person_found_by_phone_sees_the_search_on_their_my_data_page(
    client, programme, coordinator
):
    user = make_user(first_name="Fay")
    make_volunteer(programme, user=user, first_name="Fay", phone="0113 496 0777")
    client.force_login(coordinator)
    client.get(_url(programme), {"q": "0113 496 0777"})
    client.force_login(user)
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "coordinator list search" in page and "Cora" in page


def test_part_of_a_number_finds_nobody(signed_in, programme):
    make_volunteer(programme, first_name="Fay", phone="0113 496 0777")
    assert _names(signed_in.get(_url(programme), {"q": "0777"})) == []
    assert not ContactAccessLog.objects.exists()


def test_search_by_email_in_any_case(signed_in, programme, volunteer, household):
    assert _names(signed_in.get(_url(programme), {"q": "VERA@example.org"})) == ["Vera"]
    got = signed_in.get(_url(programme, "households"), {"q": "hana@example.org"})
    assert _names(got) == ["Hana"]
    logged = set(ContactAccessLog.objects.values_list("person_kind", "fields"))
    assert logged == {("volunteer", "email"), ("household", "email")}


def test_another_programmes_people_never_appear_in_search(
    signed_in, programme, other_programme, other_volunteer
):
    contact_details_write(person=other_volunteer, phone="0113 496 0555")
    make_household(other_programme, users=(make_user("far@example.org"),), phone="0113 496 0556")
    for kind, query in (
        ("volunteers", "bea@example.org"),
        ("volunteers", "0113 496 0555"),
        ("volunteers", "Bea"),
        ("volunteers", other_volunteer.external_id),
        ("households", "far@example.org"),
        ("households", "0113 496 0556"),
    ):
        assert _names(signed_in.get(_url(programme, kind), {"q": query})) == []
    assert not ContactAccessLog.objects.exists()


def test_another_coordinator_cannot_search_this_programme(
    client, programme, other_coordinator, volunteer
):
    client.force_login(other_coordinator)
    assert client.get(_url(programme), {"q": "vera@example.org"}).status_code == 404
    assert not ContactAccessLog.objects.exists()


# --- query counts ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["volunteers", "households"])
def test_the_query_count_does_not_grow_with_the_rows_shown(
    signed_in, programme, household, kind, django_assert_max_num_queries
):
    make = make_volunteer if kind == "volunteers" else make_household

    def people(n):
        for i in range(n):
            person = make(programme, first_name=f"Row{i:02d}")
            if i % 3 == 0 and kind == "volunteers":
                make_pairing(person, make_household(programme, first_name=f"Pair{i:02d}"))

    people(3)
    # A fixed few: the session, the programme with the viewer's organisation limit, the page.
    with django_assert_max_num_queries(14) as few:
        signed_in.get(_url(programme, kind), {"sort": "waiting"})
    people(60)
    with django_assert_max_num_queries(len(few)) as many:
        response = signed_in.get(_url(programme, kind), {"sort": "waiting"})
    assert len(response.context["rows"]) == 50
    assert len(many) == len(few)
