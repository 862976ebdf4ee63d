"""The one door to other people's contact details (charter rule 5)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kinfolk.privacy.models import ContactAccessLog

CONTACT_FIELDS = ("email", "phone", "address")


def contact_details_read(
    viewer: Any, person: Any, fields: Iterable[str], reason: str
) -> dict[str, str]:
    """Return the person's contact fields and log the read, unless it is their own.

    The caller has already decided that the viewer may see them; this service
    makes sure every such read is recorded, grouped per viewer, person and day.
    """
    wanted = [f for f in fields if f in CONTACT_FIELDS]
    values = {f: _contact_value(person, f) for f in wanted}
    if _is_own(viewer, person):
        return values
    now = timezone.now()
    kind = person._meta.model_name
    with transaction.atomic():
        log, created = ContactAccessLog.objects.select_for_update().get_or_create(
            viewer_id=viewer.pk,
            person_kind=kind,
            person_id=person.pk,
            day=now.date(),
            defaults={
                "viewer_label": _label(viewer),
                "fields": ",".join(wanted),
                "reasons": reason[:300],
                "last_read_at": now,
            },
        )
        if not created:
            log.fields = ",".join(sorted(set(log.fields.split(",")) | set(wanted)))
            if reason not in log.reasons.split("; "):
                log.reasons = f"{log.reasons}; {reason}"[:300]
            log.reads = F("reads") + 1
            log.last_read_at = now
            log.save(update_fields=["fields", "reasons", "reads", "last_read_at"])
    return values


def _contact_value(person: Any, field: str) -> str:
    if field == "email":
        return _emails(person)
    return str(getattr(person, field, "") or "")


def _emails(person: Any) -> str:
    if person._meta.model_name == "household":
        return ", ".join(m.user.email for m in person.members.select_related("user"))
    return person.user.email if person.user_id else ""


def _is_own(viewer: Any, person: Any) -> bool:
    if person._meta.model_name == "household":
        return bool(person.members.filter(user_id=viewer.pk).exists())
    return bool(person.user_id == viewer.pk)


def _label(viewer: Any) -> str:
    # The first name and role are what the person reading the log needs;
    # an e-mail would itself be a contact detail.
    roles = []
    if viewer.coordinator_roles.exists():
        roles.append("coordinator")
    if viewer.volunteer_roles.exists():
        roles.append("volunteer")
    if viewer.household_roles.exists():
        roles.append("household")
    return f"{viewer.first_name} ({', '.join(roles) or 'staff'})"


def phone_for_delivery(person: Any) -> str:
    """The person's own phone number, for sending a message to them (SMS reminders, notices).

    Delivering to the person themselves is not someone else reading their
    details, so it is not logged; nothing else but messaging may call this.
    """
    return str(getattr(person, "phone", "") or "")
