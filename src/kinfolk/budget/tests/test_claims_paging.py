"""The coordinator reaches every claim page by page, filters kept, with the true totals;
a batch of hundreds of approved claims is paid as one, and stays the same while paged."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse

from kinfolk.budget.claims import claim_approve
from kinfolk.budget.claims_views import PAGE_SIZE, PAYMENT_PAGE_SIZE
from kinfolk.budget.models import ExpenseClaim
from kinfolk.budget.tests.claim_helpers import many_claims, met, submitted
from kinfolk.programmes.models import Coordinator, Organisation
from kinfolk.staff.models import CoordinatorOrganisation
from kinfolk.testing import make_user


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _list_url(programme) -> str:
    return reverse("budget:claims", args=[programme.pk])


def _pay_url(programme) -> str:
    return reverse("budget:claims_payment", args=[programme.pk])


def _ids(html: str, programme) -> list[int]:
    return [int(n) for n in re.findall(rf"/p/{programme.pk}/claims/(\d+)/\"", html)]


def _next(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return unescape(found.group(1)) if found else None


def _walk(client, url: str, programme) -> tuple[list[int], list[str]]:
    """Every claim id on every page, following the Next links; and the links followed."""
    seen, links = [], []
    while url:
        html = client.get(url).content.decode()
        seen += _ids(html, programme)
        link = _next(html)
        url = f"{url.split('?')[0]}{link}" if link else None
        if link:
            links.append(link)
    return seen, links


def test_every_claim_is_reached_page_by_page_and_the_filters_stay(
    signed_in, programme, volunteer, household
):
    waiting = many_claims(volunteer, household, 2 * PAGE_SIZE + 7)
    approved = many_claims(volunteer, household, 3, state="approved")
    hosting = many_claims(volunteer, household, 4, side="household")
    seen, links = _walk(signed_in, _list_url(programme) + "?side=volunteer", programme)
    assert seen == [c.pk for c in waiting]  # oldest first, none twice, none left out
    assert len(links) == 2
    assert all("side=volunteer" in link and "state" not in link for link in links)
    seen, links = _walk(signed_in, _list_url(programme) + "?state=all&side=volunteer", programme)
    assert sorted(seen) == sorted(c.pk for c in waiting + approved)
    assert all("state=all" in link and "side=volunteer" in link for link in links)
    seen, _links = _walk(signed_in, _list_url(programme) + "?state=submitted", programme)
    assert sorted(seen) == sorted(c.pk for c in waiting + hosting)
    # The counts beside each state are those of the side shown.
    counts = signed_in.get(_list_url(programme) + "?side=household").context["counts"]
    assert (counts["submitted"], counts["approved"]) == (4, 0)


def test_the_list_shows_the_true_count_and_total_of_every_page(
    signed_in, programme, volunteer, household
):
    n = PAGE_SIZE + 10
    many_claims(volunteer, household, n, first_minor=100)
    many_claims(volunteer, household, 2, state="approved", first_minor=5000)
    response = signed_in.get(_list_url(programme) + "?page=2")
    page = response.context["page"]
    assert (page.number, len(page.object_list), page.paginator.count) == (2, 10, n)
    total = sum(range(100, 100 + n))  # 100 + 101 + … : every page's claims, not this page's
    html = response.content.decode()
    assert f"{n} claims" in html
    assert f'<strong id="claims-total">{total // 100}.{total % 100:02d} GBP</strong>' in html


def test_claims_in_two_currencies_are_totalled_apart(signed_in, programme, volunteer, household):
    many_claims(volunteer, household, 2, first_minor=100)
    many_claims(volunteer, household, 1, currency="EUR", first_minor=250)
    html = signed_in.get(_list_url(programme)).content.decode()
    assert '<strong id="claims-total">2.50 EUR + 2.01 GBP</strong>' in html


@pytest.mark.parametrize(
    ("query", "number"), [("?page=999", 3), ("?page=abc", 1), ("?page=-1", 3), ("?page=", 1)]
)
def test_a_page_out_of_range_or_not_a_number_shows_a_real_page(
    signed_in, programme, volunteer, household, query, number
):
    many_claims(volunteer, household, 2 * PAGE_SIZE + 1)
    response = signed_in.get(_list_url(programme) + query)
    assert response.status_code == 200
    assert response.context["page"].number == number


def test_unknown_filters_show_every_state_and_both_sides(
    signed_in, programme, volunteer, household
):
    many_claims(volunteer, household, 2)
    many_claims(volunteer, household, 1, state="paid")
    response = signed_in.get(_list_url(programme) + "?state=<script>&side=cat")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    assert "<script>" not in response.content.decode()


def test_a_limited_coordinators_pages_and_totals_hold_only_their_organisations_claims(
    client, programme, volunteer, household, other_household
):
    from kinfolk.testing import make_volunteer

    acme = Organisation.objects.create(programme=programme, name="Acme Ltd")
    ada = make_volunteer(programme, user=make_user(), first_name="Ada", organisation=acme)
    theirs = many_claims(ada, other_household, PAGE_SIZE + 1, first_minor=1)
    many_claims(volunteer, household, 5, first_minor=10000)
    lin = make_user("lin@example.org")
    membership = Coordinator.objects.create(programme=programme, user=lin)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    client.force_login(lin)
    seen, _links = _walk(client, _list_url(programme), programme)
    assert seen == [c.pk for c in theirs]
    total = sum(range(1, PAGE_SIZE + 2))
    assert client.get(_list_url(programme)).context["totals"][0].total_minor == total


# --- paying a batch of hundreds --------------------------------------------------------------


def test_the_payment_page_pages_a_batch_of_hundreds_with_its_true_total(
    signed_in, programme, volunteer, household
):
    n = 2 * PAYMENT_PAGE_SIZE + 50
    claims = many_claims(volunteer, household, n, state="approved", first_minor=100)
    first = signed_in.get(_pay_url(programme))
    assert len(first.context["page"].object_list) == PAYMENT_PAGE_SIZE
    total = sum(range(100, 100 + n))
    html = first.content.decode()
    assert f"{n} approved claims wait for payment" in html
    assert f'<strong id="payment-total">{total // 100}.{total % 100:02d} GBP</strong>' in html
    stamp = first.context["stamp"]
    seen, links = _walk(signed_in, _pay_url(programme), programme)
    assert seen == [c.pk for c in claims]
    assert len(links) == 2 and all(f"through={stamp}" in link for link in links)


def test_the_whole_batch_is_marked_paid_at_once_and_a_later_approval_waits(
    signed_in, programme, volunteer, household, coordinator
):
    n = PAYMENT_PAGE_SIZE + 30
    claims = many_claims(volunteer, household, n, state="approved")
    shown = signed_in.get(_pay_url(programme))
    stamp = shown.context["stamp"]
    # Approved after the page was shown: not in the file finance got, so not marked paid.
    late = submitted(volunteer, met(volunteer, household))
    claim_approve(claim=late, by=coordinator)
    page_two = signed_in.get(_pay_url(programme) + f"?through={stamp}&page=2")
    assert page_two.context["page"].paginator.count == n
    assert "1 more claim was approved after this batch" in page_two.content.decode()
    csv_url = reverse("budget:claims_export_csv", args=[programme.pk]) + f"?through={stamp}"
    text = b"".join(signed_in.get(csv_url).streaming_content).decode().lstrip("\ufeff")
    assert [int(r["claim_id"]) for r in csv.DictReader(io.StringIO(text))] == [c.pk for c in claims]
    done = signed_in.post(
        _pay_url(programme) + f"?through={stamp}&page=2",
        {"action": "batch", "through": stamp, "count": str(n)},
    )
    assert done.status_code == 302 and done["Location"] == _pay_url(programme)
    states = dict(ExpenseClaim.objects.values_list("pk", "state"))
    assert all(states[c.pk] == "paid" for c in claims)
    assert states[late.pk] == "approved"
    paid = ExpenseClaim.objects.filter(state="paid")
    assert set(paid.values_list("paid_by", flat=True)) == {coordinator.pk}
    # The next batch is the late claim alone.
    assert signed_in.get(_pay_url(programme)).context["page"].paginator.count == 1


def test_a_batch_that_changed_since_it_was_shown_is_refused_and_nothing_is_paid(
    signed_in, programme, volunteer, household, coordinator
):
    claims = many_claims(volunteer, household, 12, state="approved")
    stamp = signed_in.get(_pay_url(programme)).context["stamp"]
    # Someone else pays one of them meanwhile.
    ExpenseClaim.objects.filter(pk=claims[0].pk).update(state="paid")
    refused = signed_in.post(
        _pay_url(programme), {"action": "batch", "through": stamp, "count": "12"}
    )
    assert refused.status_code == 200
    assert "now holds 11 approved claims, not 12" in refused.content.decode()
    assert ExpenseClaim.objects.filter(state="approved").count() == 11


@pytest.mark.parametrize(
    "data",
    [
        {"action": "batch", "through": "yesterday", "count": "3"},
        {"action": "batch", "through": "", "count": "3"},
        {"action": "batch", "count": "3"},
        {"action": "batch", "through": "1", "count": "0"},
        {"action": "batch", "through": "99999999999999999999", "count": "3"},
        {"action": "batch", "through": "\u00b2\u00b3", "count": "3"},
        {"claims": ["x"]},
        {"claims": ["-4"]},
    ],
)
def test_bad_payment_posts_are_refused_and_nothing_is_paid(
    signed_in, programme, volunteer, household, data
):
    many_claims(volunteer, household, 3, state="approved")
    response = signed_in.post(_pay_url(programme), data)
    assert response.status_code == 200
    assert ExpenseClaim.objects.filter(state="approved").count() == 3


def test_a_stamp_that_is_no_batch_shows_todays_batch(signed_in, programme, volunteer, household):
    many_claims(volunteer, household, 3, state="approved")
    response = signed_in.get(_pay_url(programme) + "?through=%C2%B2&page=x")
    assert response.status_code == 200
    response = signed_in.get(_pay_url(programme) + "?through=not-a-stamp&page=x")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3


def test_ticking_on_a_later_page_pays_those_and_keeps_the_batch_and_page(
    signed_in, programme, volunteer, household
):
    claims = many_claims(volunteer, household, PAYMENT_PAGE_SIZE + 5, state="approved")
    stamp = signed_in.get(_pay_url(programme)).context["stamp"]
    url = _pay_url(programme) + f"?through={stamp}&page=2"
    ticked = [c.pk for c in claims[-3:]]
    done = signed_in.post(url, {"claims": ticked})
    assert done.status_code == 302 and f"through={stamp}" in done["Location"]
    assert "page=2" in done["Location"]
    assert set(ExpenseClaim.objects.filter(state="paid").values_list("pk", flat=True)) == set(
        ticked
    )


def test_ticked_claims_are_paid_all_or_nothing(signed_in, programme, volunteer, household):
    claims = many_claims(volunteer, household, 4, state="approved")
    ExpenseClaim.objects.filter(pk=claims[0].pk).update(state="paid")
    response = signed_in.post(_pay_url(programme), {"claims": [c.pk for c in claims]})
    assert response.status_code == 200
    assert "no longer waiting for payment" in response.content.decode()
    assert ExpenseClaim.objects.filter(state="approved").count() == 3


def test_another_programmes_coordinator_cannot_pay_the_batch(
    client, programme, volunteer, household, other_coordinator
):
    many_claims(volunteer, household, 3, state="approved")
    client.force_login(other_coordinator)
    from kinfolk.budget.claim_forms import batch_stamp
    from kinfolk.budget.claim_selectors import approved_through

    stamp = batch_stamp(approved_through(programme=programme))
    response = client.post(_pay_url(programme), {"action": "batch", "through": stamp, "count": 3})
    assert response.status_code == 404
    assert ExpenseClaim.objects.filter(state="approved").count() == 3


def test_with_nothing_approved_the_payment_page_offers_no_batch(
    signed_in, programme, volunteer, household
):
    many_claims(volunteer, household, 2)  # waiting for a decision, not for payment
    response = signed_in.get(_pay_url(programme))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    html = response.content.decode()
    assert "0 approved claims wait for payment" in html
    assert "Mark the whole batch paid" not in html
    refused = signed_in.post(_pay_url(programme), {"action": "batch", "through": "1", "count": "2"})
    assert refused.status_code == 200
    assert ExpenseClaim.objects.filter(state="paid").count() == 0
