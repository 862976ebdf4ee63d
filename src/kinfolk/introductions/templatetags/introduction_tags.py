"""The other side's introduction, on a proposal page."""

from __future__ import annotations

from typing import Any

from django import template

from kinfolk.introductions.selectors import introduction_of

register = template.Library()


@register.simple_tag
def introduction(person: Any) -> Any:
    """``person`` is the viewer's proposal partner, fetched through the viewer's own proposal."""
    return introduction_of(person=person)
