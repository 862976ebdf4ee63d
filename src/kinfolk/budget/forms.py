"""Coordinators' forms for rates, budgets and what-ifs: they parse input, the services rule.

Amounts are typed in major units (12.34) and become integer minor units
(1234) here, exactly; a negative amount is refused by the services with a
message naming its field, so the form and the service agree on the rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinfolk.budget import money
from kinfolk.budget.models import RateCard
from kinfolk.budget.models.rates import MONEY_FIELDS
from kinfolk.programmes.models import Programme

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
CADENCES = (4, 8, 12)
#: The most pairs a what-if may ask for: ten times the largest programme in view.
PAIRS_MAX = 1_100_000
_MONEY_LABELS = {
    "car_per_km_minor": _("By car, per km"),
    "public_per_km_minor": _("By public transport, per km"),
    "walk_per_km_minor": _("On foot or by bicycle, per km"),
    "allowance_minor": _("Gift or meal, per visit"),
    "per_diem_minor": _("Per-diem, per long visit"),
    "per_pairing_minor": _("Per new pairing (vetting, training)"),
    "per_year_minor": _("Fixed costs per year (staff)"),
}


class _MoneyForm(forms.Form):
    """A form whose money fields are typed in the programme's major units."""

    money_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.currency = programme.currency
        for name in self.money_fields:
            field = self.fields[name]
            example = "0.45" if "per_km" in name else "25.00"
            field.help_text = _("In %(currency)s, e.g. %(example)s") % {
                "currency": self.currency,
                "example": example,
            }

    def _minor(self, name: str) -> int | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        try:
            return money.to_minor(value, self.currency)
        except ValueError as error:
            self.add_error(name, str(error))
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.money_fields:
            if name in data:
                data[name] = self._minor(name)
        return data


def _amount(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, max_digits=14, decimal_places=3)


class RateCardForm(_MoneyForm):
    """A new rate card; the currency is asked so a mismatch is caught, not assumed."""

    money_fields = MONEY_FIELDS

    effective_from = forms.DateField(label=_("Takes effect on"), widget=DATE_WIDGET)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    car_per_km_minor = _amount(_MONEY_LABELS["car_per_km_minor"])
    public_per_km_minor = _amount(_MONEY_LABELS["public_per_km_minor"])
    walk_per_km_minor = _amount(_MONEY_LABELS["walk_per_km_minor"])
    detour_factor = forms.DecimalField(
        label=_("Detour factor"),
        max_digits=3,
        decimal_places=2,
        help_text=_("Road distance over straight-line distance, from 1 to 3; 1.3 is typical."),
    )
    allowance_minor = _amount(_MONEY_LABELS["allowance_minor"])
    per_diem_minor = _amount(_MONEY_LABELS["per_diem_minor"])
    per_diem_from_km = forms.IntegerField(
        label=_("Per-diem from (km, one way)"),
        help_text=_("A visit whose longest journey is at least this far gets the per-diem."),
    )
    per_pairing_minor = _amount(_MONEY_LABELS["per_pairing_minor"])
    per_year_minor = _amount(_MONEY_LABELS["per_year_minor"])

    @classmethod
    def initial_from(cls, card: RateCard | None, programme: Programme, today: dt.date) -> dict:
        """The latest card's figures in major units, from tomorrow (a card in effect stays)."""
        initial: dict[str, Any] = {
            "currency": programme.currency,
            "effective_from": today + dt.timedelta(days=1),
            "detour_factor": Decimal("1.30"),
            "per_diem_from_km": 0,
        }
        for name in MONEY_FIELDS:
            minor = getattr(card, name) if card is not None else 0
            initial[name] = money.to_major(minor, programme.currency)
        if card is not None:
            initial |= {
                "detour_factor": card.detour_factor,
                "per_diem_from_km": card.per_diem_from_km,
            }
        return initial


class BudgetForm(_MoneyForm):
    money_fields = ("amount_minor",)

    starts_on = forms.DateField(
        label=_("Budget year starts on"),
        widget=DATE_WIDGET,
        help_text=_("The year runs twelve months from the first day of this month."),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3)
    amount_minor = _amount(_("Budget for the year"))

    def clean_starts_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["starts_on"]
        return day.replace(day=1)


class WhatIfForm(_MoneyForm):
    """Another cadence, another number of pairs, other rates: each empty keeps the plan's."""

    money_fields = ("car_per_km_minor", "public_per_km_minor", "walk_per_km_minor",
                    "allowance_minor", "per_diem_minor", "per_pairing_minor",
                    "per_year_minor")  # fmt: skip
    #: Rates that are not money: the detour factor and the per-diem's distance.
    other_rates = ("detour_factor", "per_diem_from_km")

    cadence_weeks = forms.TypedChoiceField(
        label=_("A visit every"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("as planned"))] + [(str(w), _("%(n)s weeks") % {"n": w}) for w in CADENCES],
    )
    pairs = forms.IntegerField(
        label=_("Number of pairs"),
        required=False,
        min_value=0,
        max_value=PAIRS_MAX,
        help_text=_("Empty keeps today's active pairs."),
    )
    car_per_km_minor = _amount(_MONEY_LABELS["car_per_km_minor"], required=False)
    public_per_km_minor = _amount(_MONEY_LABELS["public_per_km_minor"], required=False)
    walk_per_km_minor = _amount(_MONEY_LABELS["walk_per_km_minor"], required=False)
    detour_factor = forms.DecimalField(
        label=_("Detour factor"),
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(3),
        max_digits=3,
        decimal_places=2,
        help_text=_("Road distance over straight-line distance, from 1 to 3."),
    )
    allowance_minor = _amount(_MONEY_LABELS["allowance_minor"], required=False)
    per_diem_minor = _amount(_MONEY_LABELS["per_diem_minor"], required=False)
    per_diem_from_km = forms.IntegerField(
        label=_("Per-diem from (km, one way)"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("A visit whose longest journey is at least this far gets the per-diem."),
    )
    per_pairing_minor = _amount(_MONEY_LABELS["per_pairing_minor"], required=False)
    per_year_minor = _amount(_MONEY_LABELS["per_year_minor"], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.money_fields:
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("A rate cannot be negative."))
        return data

    def rate_changes(self) -> dict[str, Any]:
        """The rates this what-if changes: money in minor units, the others as typed."""
        return {
            name: self.cleaned_data[name]
            for name in (*self.money_fields, *self.other_rates)
            if self.cleaned_data.get(name) is not None
        }

    def is_blank(self) -> bool:
        return not any(v not in (None, "") for v in self.cleaned_data.values())
