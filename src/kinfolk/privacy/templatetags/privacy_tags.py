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
from django.utils.translation import pgettext_lazy

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


#: Titles of the stored fields a participant reads in My data; other keys show as they are.
_COLUMNS = {
    "accepts": pgettext_lazy("My data column", "Conditions I accept"),
    "address": pgettext_lazy("My data column", "Address"),
    "answer_by": pgettext_lazy("My data column", "Answer by"),
    "at": pgettext_lazy("My data column", "At"),
    "availability": pgettext_lazy("My data column", "Weekly availability"),
    "blackout": pgettext_lazy("My data column", "Dates with no visits"),
    "closed_at": pgettext_lazy("My data column", "Closed"),
    "created_at": pgettext_lazy("My data column", "Created"),
    "date_joined": pgettext_lazy("My data column", "Joined"),
    "email": pgettext_lazy("My data column", "E-mail"),
    "email_verified_at": pgettext_lazy("My data column", "E-mail confirmed"),
    "ended_at": pgettext_lazy("My data column", "Ended"),
    "external_id": pgettext_lazy("My data column", "Programme's id"),
    "first_name": pgettext_lazy("My data column", "First name"),
    "given_at": pgettext_lazy("My data column", "Given"),
    "host": pgettext_lazy("My data column", "Host"),
    "language": pgettext_lazy("My data column", "Language of the site"),
    "last_name": pgettext_lazy("My data column", "Last name"),
    "lat": pgettext_lazy("My data column", "Latitude"),
    "learning": pgettext_lazy("My data column", "Learning"),
    "lifted_at": pgettext_lazy("My data column", "Lifted"),
    "lon": pgettext_lazy("My data column", "Longitude"),
    "max_travel_km": pgettext_lazy("My data column", "How far (km)"),
    "method": pgettext_lazy("My data column", "How"),
    "offers": pgettext_lazy("My data column", "Conditions of my home"),
    "partner_outcome": pgettext_lazy("My data column", "Partner's answer"),
    "partner_rating": pgettext_lazy("My data column", "Partner's rating"),
    "partner_words": pgettext_lazy("My data column", "Partner's feedback"),
    "phone": pgettext_lazy("My data column", "Phone"),
    "place_note": pgettext_lazy("My data column", "Where to meet"),
    "programme": pgettext_lazy("My data column", "Programme"),
    "purpose": pgettext_lazy("My data column", "Purpose"),
    "reminders_by_email": pgettext_lazy("My data column", "Reminders by e-mail"),
    "reminders_by_sms": pgettext_lazy("My data column", "Reminders by SMS"),
    "role": pgettext_lazy("My data column", "Role"),
    "sent_at": pgettext_lazy("My data column", "Sent"),
    "source": pgettext_lazy("My data column", "Source"),
    "speaks": pgettext_lazy("My data column", "Speaks"),
    "started_on": pgettext_lazy("My data column", "Started"),
    "state": pgettext_lazy("My data column", "State"),
    "state_changed_at": pgettext_lazy("My data column", "State changed"),
    "times_proposed": pgettext_lazy("My data column", "Times proposed"),
    "town": pgettext_lazy("My data column", "Town"),
    "travel_mode": pgettext_lazy("My data column", "Travel mode"),
    "visit_places": pgettext_lazy("My data column", "Visit places"),
    "waiting_since": pgettext_lazy("My data column", "Waiting since"),
    "what": pgettext_lazy("My data column", "What"),
    "why": pgettext_lazy("My data column", "Why"),
    "window_end": pgettext_lazy("My data column", "Window ends"),
    "window_start": pgettext_lazy("My data column", "Window starts"),
    "with": pgettext_lazy("My data column", "With"),
    "who": pgettext_lazy("My data column", "Who"),
    "times": pgettext_lazy("My data column", "Times"),
    "signed_in_at": pgettext_lazy("My data column", "Signed in"),
    "last_seen_at": pgettext_lazy("My data column", "Last seen"),
    "ends_at_latest": pgettext_lazy("My data column", "Ends at the latest"),
    "withdrawn_at": pgettext_lazy("My data column", "Withdrawn"),
    "wording": pgettext_lazy("My data column", "Wording"),
    "wording_language": pgettext_lazy("My data column", "Language of the wording"),
    "wording_version": pgettext_lazy("My data column", "Version of the wording"),
    "your_answer": pgettext_lazy("My data column", "Your answer"),
    "your_outcome": pgettext_lazy("My data column", "Your answer on the visit"),
    "your_rating": pgettext_lazy("My data column", "Your rating"),
    "your_words": pgettext_lazy("My data column", "Your feedback"),
    # Sign-in by phone and expense claims.
    "phone_verified_at": pgettext_lazy("My data column", "Phone confirmed"),
    "visit_window_start": pgettext_lazy("My data column", "Visit window starts"),
    "distance_m": pgettext_lazy("My data column", "Distance there and back (m)"),
    "distance_suggested_m": pgettext_lazy("My data column", "Distance worked out (m)"),
    "distance_reason": pgettext_lazy("My data column", "Why the distance differs"),
    "currency": pgettext_lazy("My data column", "Currency"),
    # Amounts are stored in the currency's smallest unit (cents), so the title says so.
    "travel_minor": pgettext_lazy("My data column", "Travel cost (smallest unit)"),
    "other_minor": pgettext_lazy("My data column", "Other costs (smallest unit)"),
    "other_what": pgettext_lazy("My data column", "What the other costs were for"),
    "receipt": pgettext_lazy("My data column", "Receipt"),
    "receipt_file": pgettext_lazy("My data column", "Receipt file in the ZIP"),
    "decided_at": pgettext_lazy("My data column", "Decided"),
    "decision_note": pgettext_lazy("My data column", "Note from the coordinator"),
    "confirmation_note": pgettext_lazy("My data column", "How the visit was confirmed"),
    "paid_at": pgettext_lazy("My data column", "Paid"),
}


@register.filter
def phone_readable(value: str) -> str:
    """An E.164 number written as people read it: ``+447700100123`` -> ``+44 7700 100123``."""
    from kinfolk.privacy.phones import phone_international

    return phone_international(value or "")


@register.filter
def column_title(key: str) -> str:
    title = _COLUMNS.get(key)
    return str(title) if title is not None else key.replace("_", " ").capitalize()


@register.simple_tag
def retention_status(programme: Any) -> Any:
    """What the programme's retention erases next, and when (for its settings page)."""
    from kinfolk.privacy.retention import retention_next

    return retention_next(programme=programme, now=timezone.now())


#: Why someone read contact details, as the services log it (``contact_details_read``).
_REASONS = {
    "active pairing": pgettext_lazy("why contact details were read", "your partner in a pairing"),
    "left": pgettext_lazy("why contact details were read", "after you left"),
    "my data": pgettext_lazy("why contact details were read", "your own copy of My data"),
    "export": pgettext_lazy("why contact details were read", "a coordinator's export"),
    "coordinator detail page": pgettext_lazy(
        "why contact details were read", "a coordinator's page about you"
    ),
    "coordinator list search": pgettext_lazy(
        "why contact details were read", "a coordinator's search"
    ),
    "editing the profile on their behalf": pgettext_lazy(
        "why contact details were read", "a coordinator editing your profile for you"
    ),
}


@register.filter
def reason_words(reasons: str) -> str:
    """The logged reasons (``"a; b"``) in the reader's language; unknown ones as logged."""
    return "; ".join(str(_REASONS.get(r, r)) for r in reasons.split("; ") if r)
