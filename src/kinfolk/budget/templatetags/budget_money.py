"""``{{ minor|money:currency }}``: an amount of minor units as people read it."""

from __future__ import annotations

from django import template

from kinfolk.budget.money import money_format

register = template.Library()


@register.filter
def money(minor: int | None, currency: str) -> str:
    return "" if minor is None else money_format(int(minor), currency)


@register.filter
def percent(share: float) -> str:
    return f"{round(share * 100)} %"
