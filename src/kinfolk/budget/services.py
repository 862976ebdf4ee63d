"""Every write of the budget app: rate cards and annual budgets.

Each refusal is a ``ValidationError`` naming the field, raised before
anything is saved, so a refused form leaves the stored rates as they were.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kinfolk.budget.models import AnnualBudget, RateCard
from kinfolk.budget.models.rates import MONEY_FIELDS
from kinfolk.programmes.models import Programme

#: The largest amount a rate may hold (PositiveIntegerField on every database).
RATE_MAX = 2_147_483_647


def rate_card_add(
    *,
    programme: Programme,
    by: Any,
    effective_from: dt.date,
    currency: str,
    detour_factor: Decimal,
    per_diem_from_km: int = 0,
    **amounts: int,
) -> RateCard:
    """Add a rate card taking effect on ``effective_from``; amounts are minor units.

    Refused, naming the field: a currency other than the programme's, a
    negative or huge amount, a detour factor outside 1 to 3, and a date on
    or before a card already in effect (past figures keep their rates).  A
    card not yet in effect may be replaced by one with the same date.
    """
    errors: dict[str, list[str]] = {}
    unknown = set(amounts) - set(MONEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown rate fields: {sorted(unknown)}")
    _currency_check(programme, currency, errors)
    for name, value in amounts.items():
        if value < 0:
            errors.setdefault(name, []).append(_("A rate cannot be negative."))
        elif value > RATE_MAX and name != "per_year_minor":
            errors.setdefault(name, []).append(_("This rate is too large."))
    if per_diem_from_km < 0:
        errors.setdefault("per_diem_from_km", []).append(_("A distance cannot be negative."))
    if not Decimal(1) <= detour_factor <= Decimal(3):
        errors.setdefault("detour_factor", []).append(
            _("The detour factor is between 1 and 3 (road distance over straight-line distance).")
        )
    today = programme.today()
    in_effect = (
        RateCard.objects.filter(programme=programme, effective_from__lte=today)
        .order_by("-effective_from")
        .first()
    )
    if in_effect is not None and effective_from <= in_effect.effective_from:
        errors.setdefault("effective_from", []).append(
            _(
                "Rates from %(day)s are already in effect and are kept for the figures of "
                "their time; new rates take effect on a later date."
            )
            % {"day": date_format(in_effect.effective_from, "DATE_FORMAT")}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        RateCard.objects.filter(programme=programme, effective_from=effective_from).delete()
        card = RateCard(
            programme=programme,
            effective_from=effective_from,
            currency=programme.currency,
            detour_factor=detour_factor,
            per_diem_from_km=per_diem_from_km,
            created_by=by,
            **amounts,
        )
        card.full_clean()
        card.save()
    return card


def budget_set(
    *, programme: Programme, by: Any, starts_on: dt.date, amount_minor: int, currency: str
) -> AnnualBudget:
    """Set the budget of the twelve months from ``starts_on`` (replacing that year's)."""
    errors: dict[str, list[str]] = {}
    _currency_check(programme, currency, errors)
    if amount_minor < 0:
        errors["amount_minor"] = [_("A budget cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    budget, _created = AnnualBudget.objects.update_or_create(
        programme=programme,
        starts_on=starts_on,
        defaults={"amount_minor": amount_minor, "currency": programme.currency, "created_by": by},
    )
    return budget


def _currency_check(programme: Programme, currency: str, errors: dict[str, list[str]]) -> None:
    if currency.strip().upper() != programme.currency.upper():
        errors.setdefault("currency", []).append(
            _("This programme's amounts are in %(programme)s, not %(given)s.")
            % {"programme": programme.currency, "given": currency.strip() or "—"}
        )
