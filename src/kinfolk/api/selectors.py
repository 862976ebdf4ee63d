"""Reads for the API and its token page, scoped to the programme that asks."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime

from kinfolk.accounts.tokens import token_hash
from kinfolk.api.models import TOKEN_PREFIX, ApiToken
from kinfolk.programmes.models import Coordinator, Programme


def api_token_list(*, programme: Programme) -> QuerySet[ApiToken]:
    return programme.api_tokens.select_related("created_by", "revoked_by")


def api_token_get(*, programme: Programme, api_token_id: int) -> ApiToken:
    found = programme.api_tokens.filter(pk=api_token_id).first()
    if found is None:
        raise Http404
    return found


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token with this secret, or None.

    A token is live while it is not revoked and the coordinator who made it
    still coordinates its programme: it never outlasts its maker's access.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.filter(token_hash=token_hash(secret), revoked_at__isnull=True)
        .select_related("programme", "created_by")
        .first()
    )
    if token is None or token.created_by is None or not token.created_by.is_active:
        return None
    appointed = Coordinator.objects.filter(programme=token.programme, user=token.created_by)
    return token if appointed.exists() else None


# --- pages of rows ------------------------------------------------------------------------


class CursorInvalid(ValueError):
    """A cursor this API did not hand out (or one that was changed)."""


def cursor_encode(updated_at: dt.datetime, pk: int) -> str:
    raw = json.dumps([updated_at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        when = parse_datetime(moment) if isinstance(moment, str) else None
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise CursorInvalid from None
    if when is None or when.tzinfo is None or type(pk) is not int or pk < 0:
        raise CursorInvalid
    return when, pk


def rows_page(
    *, rows: QuerySet[Any], cursor: str | None, updated_since: dt.datetime | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page of ``rows`` (dictionaries) in (updated_at, id) order, and the next page's cursor.

    The order is by when a row last changed, so a client that keeps the last
    cursor (or the last ``updated_at``) can come back for what changed since;
    a row changed while the pages are read moves to the end and is read again.
    """
    if updated_since is not None:
        rows = rows.filter(updated_at__gte=updated_since)
    if cursor:
        moment, pk = cursor_decode(cursor)
        rows = rows.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
    page = list(rows.order_by("updated_at", "pk")[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, cursor_encode(page[-1]["updated_at"], page[-1]["id"])
