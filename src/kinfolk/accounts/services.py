"""Two-factor authentication (TOTP through django-otp) for site administrators."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first visit."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    return device


def totp_device_confirmed(*, user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)


def totp_login(*, request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)


def totp_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def totp_qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG QR code, rendered locally."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))
