"""Reads of accounts, scoped to who asks: site administrators and their enrolment links."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.accounts.models import TwoFactorEnrolment
from kinfolk.accounts.tokens import token_hash


def _site_admin_check(viewer: Any) -> None:
    if not (viewer.is_authenticated and viewer.is_staff):
        raise Http404


def administrator_list(*, viewer: Any) -> QuerySet[Any]:
    """Every site administrator, with whether they have an authenticator (site admins only)."""
    _site_admin_check(viewer)
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        get_user_model()
        .objects.filter(is_staff=True)
        .annotate(has_authenticator=Exists(confirmed))
        .order_by("first_name", "email")
    )


def administrator_get(*, viewer: Any, user_id: int) -> Any:
    """Another site administrator, for whom the viewer may issue an enrolment link; else 404."""
    _site_admin_check(viewer)
    found = get_user_model().objects.filter(pk=user_id, is_staff=True).exclude(pk=viewer.pk).first()
    if found is None:
        raise Http404
    return found


def two_factor_enrolment_list(*, viewer: Any, limit: int = 50) -> QuerySet[TwoFactorEnrolment]:
    """The latest enrolment links: who issued them, for whom, when, and when they were used."""
    _site_admin_check(viewer)
    return TwoFactorEnrolment.objects.select_related("user", "issued_by")[:limit]


def two_factor_enrolment_by_token(*, viewer: Any, token: str) -> TwoFactorEnrolment:
    """The enrolment link a signed-in viewer opened; 404 if it is not theirs (or not one)."""
    found = TwoFactorEnrolment.objects.filter(
        token_hash=token_hash(token), user_id=viewer.pk
    ).first()
    if found is None:
        raise Http404
    return found


def two_factor_enrolment_usable(
    *, viewer: Any, enrolment_id: int | None
) -> TwoFactorEnrolment | None:
    """The viewer's enrolment link held by their session, if still unused and unexpired."""
    if enrolment_id is None:
        return None
    return TwoFactorEnrolment.objects.filter(
        pk=enrolment_id, user_id=viewer.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def participant_account_get(*, person: Any, member_id: Any = None) -> Any:
    """The account a password link for ``person`` goes to, or None if they have none.

    ``person`` was fetched through a selector scoped to the viewer; for a
    household, ``member_id`` names one of its adults (404 for anyone else's).
    """
    if person.side == "volunteer":
        return person.user
    try:
        member_pk = int(member_id)
    except (TypeError, ValueError):
        raise Http404 from None
    member = person.members.filter(pk=member_pk).select_related("user").first()
    if member is None:
        raise Http404
    return member.user
