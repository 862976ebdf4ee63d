"""Who is asking: the client's address behind trusted proxies, and the account a sign-in names.

Sign-in lock-out (django-axes) and rate limits both key on these, so they
agree on who a client is.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, trusting ``X-Forwarded-For`` only as far as ``TRUSTED_PROXIES``.

    Each trusted proxy appends the address it received the request from, so
    the client is the entry that many places from the end; anything before it
    was written by the client itself and proves nothing.  With no trusted
    proxy (the default) the header is ignored.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if not forwarded:
        return remote
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return candidate if _is_ip(candidate) else remote


def login_username(request: HttpRequest, credentials: Mapping[str, Any] | None = None) -> str:
    """The e-mail address a sign-in names, as the login form stores it (trimmed, lower case).

    Axes would otherwise read a field named after ``USERNAME_FIELD`` (``email``)
    that the form does not post, and record ``None``; and ``MIRA@`` and ``mira@``
    must count as one account, or changing case would dodge the lock-out.
    """
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()
