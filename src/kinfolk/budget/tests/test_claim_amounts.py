"""Amounts typed by claimants become integer minor units exactly, or are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinfolk.budget.claim_amounts import AmountError, minor_from_text, minor_to_text


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.50", "GBP", 1250),
        ("12.5", "EUR", 1250),
        ("1,234.05", "GBP", 123405),
        ("", "GBP", 0),
        ("300", "JPY", 300),
        ("1.234", "KWD", 1234),
    ],
)
def test_amounts_in_minor_units(text, currency, minor):
    assert minor_from_text(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "why"),
    [
        ("-1", "GBP", "negative"),
        ("1.005", "GBP", "too many decimals"),
        ("1.5", "JPY", "too many decimals"),
        ("ten", "GBP", "not a number"),
        ("NaN", "GBP", "not a number"),
        ("1e9", "GBP", "too large"),
    ],
)
def test_what_cannot_be_stored_exactly_is_refused(text, currency, why):
    with pytest.raises(AmountError, match=why):
        minor_from_text(text, currency)


@given(st.integers(min_value=0, max_value=100_000), st.sampled_from(["GBP", "JPY", "KWD"]))
def test_writing_and_reading_back_gives_the_same_amount(minor, currency):
    assert minor_from_text(minor_to_text(minor, currency), currency) == minor
