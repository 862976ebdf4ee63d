"""Claims and their receipts in "My data", and what erasing a person leaves of their claims.

The "My data" ZIP holds the person's own receipts under ``receipts/``, the
stored files byte for byte (photos as stored, without their metadata); each
claim's row names its file.

Erasure deletes every receipt and every word of the person's claims.  A claim
that was approved or paid keeps its amounts, date and state, with nothing
that names anyone, for the finance retention period (the exemption charter
rule 4 states); claims still waiting or refused go altogether.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kinfolk.budget.models import ExpenseClaim
from kinfolk.privacy.erasure import eraser_register
from kinfolk.privacy.exports import Row, StoredFile, Subject, exporter_register, files_register

_WORDS = ("distance_reason", "other_what", "decision_note", "confirmation_note")
_KEPT = (ExpenseClaim.State.APPROVED, ExpenseClaim.State.PAID)


@exporter_register("expense_claims", _("Your expense claims"), ("budget.ExpenseClaim",))
def claims_export(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        claims = ExpenseClaim.objects.filter(side=person.side, **{person.side: person})
        for c in claims.select_related("visit").order_by("created_at"):
            rows.append(
                {
                    "role": person.side,
                    "visit_window_start": c.visit.window_start,
                    "state": c.state,
                    "travel_mode": c.travel_mode,
                    "distance_m": c.distance_m,
                    "distance_suggested_m": c.distance_suggested_m,
                    "distance_reason": c.distance_reason,
                    "currency": c.currency,
                    "travel_minor": c.travel_minor,
                    "other_minor": c.other_minor,
                    "other_what": c.other_what,
                    "receipt": c.receipt_type or "",
                    "receipt_file": receipt_path(c) if c.receipt else "",
                    "sent_at": c.created_at,
                    "decided_at": c.decided_at,
                    "decision_note": c.decision_note,
                    "confirmation_note": c.confirmation_note,
                    "paid_at": c.paid_at,
                }
            )
    return rows


def receipt_path(claim: ExpenseClaim) -> str:
    """Where the claim's receipt lies in the "My data" ZIP, e.g. ``receipts/claim-12.jpg``."""
    extension = claim.receipt.name.rsplit(".", 1)[-1] if "." in claim.receipt.name else "bin"
    return f"receipts/claim-{claim.pk}.{extension}"


@files_register
def receipts_export(subject: Subject) -> list[StoredFile]:
    """The receipts of the person's own claims: never the partner's for the same visit."""
    files = []
    for person in subject.people:
        claims = ExpenseClaim.objects.filter(side=person.side, **{person.side: person})
        for claim in claims.exclude(receipt="").order_by("created_at", "id"):
            files.append(StoredFile(path=receipt_path(claim), name=claim.receipt.name))
    return files


@eraser_register
def claims_erase(person: Any) -> list[str]:
    """Delete the person's receipts and words; keep approved amounts, anonymised."""
    claims = ExpenseClaim.objects.filter(side=person.side, **{person.side: person})
    traces = [t for row in claims.values_list(*_WORDS) for t in row if t]
    files = [name for name in claims.values_list("receipt", flat=True) if name]
    claims.exclude(state__in=_KEPT).delete()
    claims.update(receipt="", receipt_type="", submitted_by=None, **dict.fromkeys(_WORDS, ""))
    # The files go once the erasure commits, so a rolled-back erasure keeps them.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    return traces
