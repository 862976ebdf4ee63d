"""Two-factor authentication (TOTP through django-otp) for site administrators.

A password alone never adds an authenticator: enrolling or replacing one
needs a session already verified with the current one, or a one-time
enrolment link that another site administrator (or the server's command
line, for the first one) issued.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.accounts.models import TwoFactorEnrolment
from kinfolk.accounts.tokens import token_hash, token_new


class EnrolmentUnusable(Exception):
    """The enrolment link was used or expired in the meantime; the message says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first visit."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    return device


def totp_device_restart(*, user: Any) -> None:
    """Forget any half-set-up authenticator, so the next set-up shows a key nobody has seen."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def totp_device_confirmed(*, user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_device_confirm(
    *, device: TOTPDevice, enrolment: TwoFactorEnrolment | None = None
) -> TOTPDevice:
    """Make ``device`` the user's one authenticator; an enrolment link is used up by it.

    Any earlier authenticator stops working, so a lost phone is replaced, not added to.
    """
    if enrolment is not None:
        _enrolment_use(enrolment)
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def _enrolment_use(enrolment: TwoFactorEnrolment) -> None:
    # A conditional update: of two tabs confirming at once, only one uses the link.
    now = timezone.now()
    used = TwoFactorEnrolment.objects.filter(
        pk=enrolment.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not used:
        raise EnrolmentUnusable(
            _("This enrolment link has been used or has expired. Ask for a new one.")
        )


def two_factor_enrolment_issue(
    *, user: Any, issued_by: Any | None
) -> tuple[TwoFactorEnrolment, str]:
    """A new one-time enrolment link for a site administrator; returns it and its token.

    ``issued_by`` is another site administrator, or None when issued from the
    server's command line.  Earlier unused links of the same user stop working.
    """
    if not user.is_staff:
        raise PermissionDenied("Only site administrators enrol an authenticator.")
    if issued_by is not None and (not issued_by.is_staff or issued_by.pk == user.pk):
        raise PermissionDenied("Another site administrator issues the link.")
    token = token_new()
    now = timezone.now()
    with transaction.atomic():
        TwoFactorEnrolment.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        enrolment = TwoFactorEnrolment(
            user=user,
            issued_by=issued_by,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.TWO_FACTOR_LINK_HOURS),
        )
        enrolment.full_clean()
        enrolment.save()
    return enrolment, token


def totp_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def totp_qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG QR code, rendered locally."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))
