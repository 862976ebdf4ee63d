"""Secret link tokens: made here, stored only as their SHA-256, shown to their owner once.

A link carries the token; the database keeps its hash, so a copy of the
database (a backup, a leaked dump) opens no link.  The token itself exists
only in the message or the page that hands it over.
"""

from __future__ import annotations

import hashlib
import secrets

from django.http import HttpRequest

_SHOWN_ONCE = "shown_once:"


def token_new() -> str:
    """A fresh secret for a link: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a token, and what a link is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_hash_unusable() -> str:
    """A stored hash whose token nobody knows: no link opens a row made without one."""
    return token_hash(token_new())


def shown_once_set(request: HttpRequest, name: str, value: str) -> None:
    """Keep a new secret for the next page this person opens, and for that page only."""
    request.session[_SHOWN_ONCE + name] = value


def shown_once_pop(request: HttpRequest, name: str) -> str | None:
    """The secret kept by ``shown_once_set``, forgotten as it is read."""
    return request.session.pop(_SHOWN_ONCE + name, None)
