"""``spent``: what approved claims commit and what was paid, for the budget dashboard."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kinfolk.budget.claims import claim_approve, claim_reject, claims_mark_paid
from kinfolk.budget.spending import Spending, spent
from kinfolk.budget.tests.claim_helpers import met, submitted
from kinfolk.testing import make_household, make_user, make_volunteer


def _claim(programme, coordinator, start, travel, other=0, then="approve"):
    v = make_volunteer(programme, user=make_user())
    claim = submitted(
        v,
        met(v, make_household(programme), window_start=start),
        travel_minor=travel,
        other_minor=other,
        other_what="lunch" if other else "",
    )
    if then in ("approve", "pay"):
        claim_approve(claim=claim, by=coordinator)
    if then == "pay":
        claims_mark_paid(programme=programme, by=coordinator, claim_ids=[claim.pk])
    if then == "reject":
        claim_reject(claim=claim, by=coordinator, note="no")
    return claim


def test_committed_counts_approved_and_paid_claims_and_paid_only_paid(programme, coordinator):
    jan, feb, mar = dt.date(2027, 1, 10), dt.date(2027, 2, 10), dt.date(2027, 3, 10)
    _claim(programme, coordinator, jan, 1000, 250)  # approved: 1250
    _claim(programme, coordinator, feb, 700, then="pay")  # paid: 700
    _claim(programme, coordinator, feb, 333, then="submit")  # waiting: nothing
    _claim(programme, coordinator, feb, 444, then="reject")  # refused: nothing
    _claim(programme, coordinator, mar, 5000, then="pay")  # after the period
    assert spent(programme, jan, dt.date(2027, 2, 28)) == Spending(1950, 700)
    assert spent(programme, jan, mar) == Spending(6950, 5700)
    # Both ends of the period are included.
    assert spent(programme, feb, feb) == Spending(700, 700)
    assert spent(programme, mar, mar) == Spending(5000, 5000)


def test_another_programmes_claims_do_not_count(programme, coordinator, other_programme):
    _claim(programme, coordinator, dt.date(2027, 1, 10), 1000)
    assert spent(other_programme, dt.date(2027, 1, 1), dt.date(2027, 12, 31)) == Spending(0, 0)


def test_nothing_claimed_is_zero_and_the_result_is_frozen(programme):
    result = spent(programme, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert result == Spending(committed_minor=0, paid_minor=0)
    assert isinstance(result.committed_minor, int)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.paid_minor = 5  # type: ignore[misc]
