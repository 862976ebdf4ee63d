"""Writes to programmes: creating them and appointing coordinators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kinfolk.outbox.services import email_queue
from kinfolk.programmes.models import Coordinator, Programme


def programme_create(*, data: dict[str, Any], created_by: Any) -> Programme:
    """Create a programme from cleaned form data."""
    programme = Programme(**data)
    programme.full_clean()
    programme.save()
    return programme


def coordinator_appoint(
    *, programme: Programme, email: str, first_name: str, by: Any
) -> Coordinator:
    """Appoint a coordinator, creating their account (with a link to set a password) if new."""
    User = get_user_model()
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(email, first_name=first_name)
        membership, _new = Coordinator.objects.get_or_create(
            programme=programme, user=user, defaults={"appointed_by": by}
        )
        _tell_coordinator(user, programme, created, membership.pk)
    return membership


def _tell_coordinator(user: Any, programme: Programme, new_account: bool, key: int) -> None:
    from django.conf import settings

    lines = [_("You now coordinate %(name)s on Kinfolk.") % {"name": programme.name}]
    if new_account:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("accounts:password_set", args=[uid, token])
        lines.append(_("Choose your password here: %(url)s") % {"url": settings.SITE_URL + path})
    email_queue(
        to=user.email,
        subject=_("Kinfolk: you coordinate %(name)s") % {"name": programme.name},
        body="\n\n".join(lines),
        purpose="coordinator_appointed",
        key=f"coordinator:{key}",
        user=user,
    )
