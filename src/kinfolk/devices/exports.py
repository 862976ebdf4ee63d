"""The person's signed-in devices as a section of "My data", where the site has that page.

Registered only when ``kinfolk.privacy.exports`` exists, so this app works
without it.  The session key and the session's own data are left out: they
are the sign-in itself, and a copy would sign in whoever holds the file.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kinfolk.devices.agents import device_describe
from kinfolk.devices.models import SignedInSession


def devices_rows(subject: Any) -> list[dict[str, Any]]:
    rows = SignedInSession.objects.filter(user=subject.user).order_by("signed_in_at")
    return [
        {
            "device": device_describe(row.user_agent),
            "browser_header": row.user_agent,
            "signed_in_at": row.signed_in_at,
            "last_seen_at": row.last_seen_at,
            "ends_at_latest": row.expire_date,
        }
        for row in rows
    ]


def export_register() -> bool:
    """Add the section to "My data"; False when this site has no such page."""
    try:
        from kinfolk.privacy.exports import exporter_register  # type: ignore[import-not-found]
    except ImportError:
        return False
    title = _("Your signed-in devices")
    exporter_register("devices", title, ("devices.SignedInSession",))(devices_rows)
    return True
