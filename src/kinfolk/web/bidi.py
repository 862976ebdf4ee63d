"""Isolating text people typed, so that a right-to-left override cannot turn a page around.

A name such as ``"\u202eanaH"`` (U+202E, RIGHT-TO-LEFT OVERRIDE) reverses
everything after it up to the end of its paragraph: the words around it, a
date, an amount.  Wrapped in ``<bdi>``, its direction stays inside the
wrapper.  Where markup cannot go (a page title, an ``<option>``, an e-mail),
the Unicode isolates FSI ... PDI do the same.

Templates use the builtin filters ``|bdi`` and ``|isolate``; Python code that
puts a name into a page message uses :func:`isolated`.
"""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

FSI, PDI = "\u2068", "\u2069"


def bdi(value: Any) -> SafeString:
    """``value`` escaped and wrapped in ``<bdi>``; nothing at all for an empty value.

    Numbers and dates are localised first, as ``{{ value }}`` would be.
    """
    if value is None or value == "":
        return mark_safe("")
    return format_html("<bdi>{}</bdi>", formats.localize(value))


def isolate(value: Any) -> str:
    """``value`` between FSI and PDI, for text where no markup can go."""
    if value is None or value == "":
        return ""
    return f"{FSI}{value}{PDI}"


def isolated(message: str, **values: Any) -> SafeString:
    """``message % values`` for a page, each value in ``<bdi>``, the message itself escaped."""
    return mark_safe(conditional_escape(message) % {k: bdi(v) for k, v in values.items()})
