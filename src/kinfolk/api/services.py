"""API tokens: created (shown once), used, revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kinfolk.api.models import ApiToken
from kinfolk.programmes.models import Programme

#: How stale ``last_used_at`` may get before a request writes it again.
_TOUCH_EVERY = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, programme: Programme, created_by: Any, name: str, scope: str) -> ApiToken:
    """A new token of the programme; its secret is on ``.token`` now and never again."""
    token = ApiToken(programme=programme, name=name.strip(), scope=scope, created_by=created_by)
    token.token_issue()
    token.full_clean()
    token.save()
    return token


def api_token_revoke(*, token: ApiToken, revoked_by: Any) -> bool:
    """Stop the token at once; revoking a revoked token changes nothing."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=revoked_by
    )
    return bool(revoked)


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once a minute (a sync makes many requests)."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - _TOUCH_EVERY)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
