"""Claims in "My data", and what erasing a person leaves of their claims.

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
from kinfolk.privacy.exports import Row, Subject, exporter_register

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
                    "sent_at": c.created_at,
                    "decided_at": c.decided_at,
                    "decision_note": c.decision_note,
                    "confirmation_note": c.confirmation_note,
                    "paid_at": c.paid_at,
                }
            )
    return rows


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
