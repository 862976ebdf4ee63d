"""Reads of signed-in devices: only ever the viewer's own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kinfolk.devices.agents import device_describe
from kinfolk.devices.models import SignedInSession


@dataclass(frozen=True)
class Device:
    device_id: str
    name: str
    signed_in_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    current: bool


def _own(viewer: Any) -> QuerySet[SignedInSession]:
    return SignedInSession.objects.filter(user=viewer, expire_date__gt=timezone.now())


def device_list(*, viewer: Any, current_key: str | None) -> list[Device]:
    """The viewer's signed-in devices, this one first, then the most recently seen."""
    devices = [
        Device(
            device_id=row.device_id,
            name=device_describe(row.user_agent),
            signed_in_at=row.signed_in_at,
            last_seen_at=row.last_seen_at,
            current=row.session_key == current_key,
        )
        for row in _own(viewer).order_by("-last_seen_at")
    ]
    return sorted(devices, key=lambda d: not d.current)


def device_get(*, viewer: Any, device_id: str) -> str:
    """The id of one of the viewer's own devices; anyone else's (or none) is a 404."""
    if not device_id or not _own(viewer).filter(device_id=device_id).exists():
        raise Http404
    return device_id
