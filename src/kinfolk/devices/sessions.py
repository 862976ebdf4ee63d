"""The session engine (``SESSION_ENGINE``): Django's database sessions, in ``SignedInSession``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

#: Keys of the session data this app keeps (Unix times in seconds).
DEVICE = "_kf_device"
AGENT = "_kf_agent"
SIGNED_IN = "_kf_signed_in"
SEEN = "_kf_seen"
STAFF = "_kf_staff"


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, tz=dt.UTC) if value else None


class SessionStore(DatabaseStore):
    @classmethod
    def get_model_class(cls) -> type:
        from kinfolk.devices.models import SignedInSession

        return SignedInSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        row.user_id = int(user_id) if user_id and str(user_id).isdigit() else None
        row.device_id = data.get(DEVICE, "")
        row.user_agent = data.get(AGENT, "")[:300]
        row.signed_in_at = _when(data.get(SIGNED_IN))
        row.last_seen_at = _when(data.get(SEEN))
        return row
