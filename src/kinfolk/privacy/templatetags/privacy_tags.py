"""Showing the values of "My data" the way every page shows them (dates in the one format)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kinfolk.web.bidi import bdi

register = template.Library()

#: A stored value in the data dictionary's own format (a blackout's dates) is shown as typed.
_AS_TYPED = re.compile(r"\d{4}-\d{2}-\d{2}")


@register.filter
def data_value(value: Any) -> SafeString | str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local)}"
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, dict | list):
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        return format_html("<code>{}</code>", bdi(text))
    if isinstance(value, str) and _AS_TYPED.search(value):
        return format_html("<code>{}</code>", bdi(value))
    # Names and places people typed: isolated, so a right-to-left name stays inside itself.
    return bdi(value)


@register.filter
def phone_readable(value: str) -> str:
    """An E.164 number written as people read it: ``+447700100123`` -> ``+44 7700 100123``."""
    from kinfolk.privacy.phones import phone_international

    return phone_international(value or "")


@register.filter
def column_title(key: str) -> str:
    return key.replace("_", " ").capitalize()


@register.simple_tag
def retention_status(programme: Any) -> Any:
    """What the programme's retention erases next, and when (for its settings page)."""
    from kinfolk.privacy.retention import retention_next

    return retention_next(programme=programme, now=timezone.now())
