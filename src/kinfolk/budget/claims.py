"""Expense claims, from the visit to the payment: every write, checked, then saved and told.

A volunteer (or, where the programme allows it, a household) claims for a
visit that happened.  The distance is suggested from the pairing and may be
corrected with a reason; a receipt is checked by its content and stripped of
metadata.  A coordinator approves or refuses with a note and the claimant is
told through the outbox; approved claims go to finance and are then marked
paid.  Every refusal raises ``ValidationError`` naming the field, before
anything is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.budget.claim_amounts import minor_to_text
from kinfolk.budget.models import ClaimSettings, ExpenseClaim, RateCard
from kinfolk.budget.receipts import MAX_BYTES, ReceiptRefused, receipt_clean
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.programmes.places import distance_km
from kinfolk.visits.models import Visit

Person = Volunteer | Household
#: Road distance over straight-line distance, until the programme's cost model supplies its own.
DETOUR_FACTOR = 1.3  # before the programme has a rate card
#: Visit states a claim may be made for; an unconfirmed one needs a coordinator's note to approve.
CLAIMABLE = (Visit.State.HAPPENED, Visit.State.UNCONFIRMED)


@dataclass(frozen=True)
class ClaimInput:
    """What the claimant typed, already parsed: amounts in minor units, distance in metres."""

    travel_mode: str
    distance_m: int
    distance_reason: str = ""
    travel_minor: int = 0
    other_minor: int = 0
    other_what: str = ""
    receipt: bytes | None = None


def claim_settings_get(*, programme: Programme) -> ClaimSettings:
    """The programme's claim rules, the defaults when it has not set any (nothing is saved)."""
    found = ClaimSettings.objects.filter(programme=programme).first()
    return found or ClaimSettings(programme=programme)


def claim_settings_set(*, programme: Programme, households_may_claim: bool) -> ClaimSettings:
    """Say whether the programme's households may claim their hosting costs."""
    found, _created = ClaimSettings.objects.update_or_create(
        programme=programme, defaults={"households_may_claim": households_may_claim}
    )
    return found


def detour_factor(programme: Programme, on: dt.date) -> float:
    """Road over straight-line distance: the programme's rate card in effect ``on``, else 1.3."""
    card = (
        RateCard.objects.filter(programme=programme, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("detour_factor", flat=True)
        .first()
    )
    return float(card) if card is not None else DETOUR_FACTOR


def distance_suggest(*, visit: Visit, side: str) -> int:
    """Metres there and back: 0 for the host, else the homes' straight line × the detour factor.

    For a public place the homes' distance is an upper bound the claimant may correct.
    """
    if visit.host == side:
        return 0
    pairing = visit.pairing
    v, h = pairing.volunteer, pairing.household
    km = distance_km(v.lat, v.lon, h.lat, h.lon) * detour_factor(
        pairing.programme, visit.window_start
    )
    # To 100 m, the precision the claim form shows, so an unchanged suggestion reads as unchanged.
    return round(2 * km * 10) * 100


def claim_submit(
    *, person: Person, visit: Visit, submitted_by: Any, data: ClaimInput
) -> ExpenseClaim:
    """Store the claim with its cleaned receipt, or refuse it and store nothing."""
    suggested = _claimable_check(person, visit)
    clean = _input_check(data, suggested)
    claim = ExpenseClaim(
        programme_id=person.programme_id,
        visit=visit,
        side=person.side,
        submitted_by=submitted_by,
        travel_mode=data.travel_mode,
        distance_suggested_m=suggested,
        distance_m=data.distance_m,
        distance_reason=data.distance_reason.strip() if data.distance_m != suggested else "",
        currency=person.programme.currency,
        travel_minor=data.travel_minor,
        other_minor=data.other_minor,
        other_what=data.other_what.strip(),
        **{person.side: person},
    )
    try:
        with transaction.atomic():
            if clean is not None:
                name = (
                    f"receipts/{person.programme_id}/{secrets.token_urlsafe(18)}.{clean.extension}"
                )
                claim.receipt_type = clean.content_type
                claim.receipt.save(name, ContentFile(clean.data), save=False)
            claim.full_clean(exclude=["receipt"], validate_constraints=False)
            claim.save()
    except IntegrityError:
        _file_delete(claim.receipt.name)
        raise ValidationError({"visit": _already_claimed()}) from None
    except BaseException:
        _file_delete(claim.receipt.name)
        raise
    return claim


def claim_refusal(*, person: Person, visit: Visit) -> str:
    """Why the person cannot claim for this visit now, or "" if they can (nothing is saved)."""
    try:
        _claimable_check(person, visit)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _already_claimed() -> str:
    return _("You have already claimed for this visit; a second claim is not possible.")


def _claimable_check(person: Person, visit: Visit) -> int:
    """Refuse a claim on someone else's visit, a visit that did not happen, or a second claim."""
    if getattr(visit.pairing, f"{person.side}_id") != person.pk:
        raise ValidationError({"visit": _("This visit is not yours, so you cannot claim for it.")})
    settings = claim_settings_get(programme=person.programme)
    if person.side == "household" and not settings.households_may_claim:
        raise ValidationError(
            {"visit": _("This programme pays households' costs only by other means.")}
        )
    if visit.state not in CLAIMABLE:
        raise ValidationError(
            {
                "visit": _(
                    "You can claim only for a visit that happened; this one is recorded as "
                    "“%(state)s”."
                )
                % {"state": visit.get_state_display()}
            }
        )
    if _live_claims(visit, person.side).exists():
        raise ValidationError({"visit": _already_claimed()})
    return distance_suggest(visit=visit, side=person.side)


def _live_claims(visit: Visit, side: str) -> Any:
    return ExpenseClaim.objects.filter(visit=visit, side=side).exclude(
        state=ExpenseClaim.State.REJECTED
    )


def _input_check(data: ClaimInput, suggested: int) -> Any:
    errors: dict[str, str] = {}
    if data.distance_m != suggested and not data.distance_reason.strip():
        errors["distance_km"] = _(
            "Say why the distance differs from the %(km)s km worked out from your pairing."
        ) % {"km": f"{suggested / 1000:.1f}"}
    if data.travel_minor + data.other_minor == 0:
        errors["travel_cost"] = _("There is nothing to claim: give a travel cost or other costs.")
    if data.other_minor and not data.other_what.strip():
        errors["other_what"] = _("Say what the other costs were for.")
    clean = None
    if data.receipt is not None:
        try:
            clean = receipt_clean(data.receipt)
        except ReceiptRefused as refused:
            errors["receipt"] = _receipt_words(str(refused))
    if errors:
        raise ValidationError(errors)
    return clean


def _receipt_words(reason: str) -> str:
    if reason == "too_large":
        return _("The receipt is too large: send a file of at most %(mb)s MB.") % {
            "mb": MAX_BYTES // (1024 * 1024)
        }
    return _("The receipt must be a photo (JPEG, PNG or WebP) or a PDF; this file is neither.")


def _file_delete(name: str) -> None:
    if name:
        default_storage.delete(name)


# --- the coordinator's decision ------------------------------------------------------------


def claim_approve(
    *, claim: ExpenseClaim, by: Any, note: str = "", confirmation_note: str = ""
) -> ExpenseClaim:
    """Approve a waiting claim; on an unconfirmed visit, only with a note of how it was checked."""
    visit = Visit.objects.get(pk=claim.visit_id)
    if visit.state not in CLAIMABLE:
        raise ValidationError(
            _("The visit is now recorded as “%(state)s”, so this claim cannot be approved.")
            % {"state": visit.get_state_display()}
        )
    if visit.state == Visit.State.UNCONFIRMED and not confirmation_note.strip():
        raise ValidationError(
            {
                "confirmation_note": _(
                    "The two sides remember this visit differently. Say how you confirmed that "
                    "it happened before approving the claim."
                )
            }
        )
    return _decide(claim, ExpenseClaim.State.APPROVED, by, note, confirmation_note)


def claim_reject(*, claim: ExpenseClaim, by: Any, note: str) -> ExpenseClaim:
    """Refuse a waiting claim, saying why; the claimant may claim again for the visit."""
    if not note.strip():
        raise ValidationError({"note": _("Tell the claimant why the claim is not approved.")})
    return _decide(claim, ExpenseClaim.State.REJECTED, by, note, "")


def _decide(claim: ExpenseClaim, state: str, by: Any, note: str, confirmed: str) -> ExpenseClaim:
    from kinfolk.budget.claim_notices import claim_decided_tell

    now = timezone.now()
    with transaction.atomic():
        # Conditional, so that two coordinators deciding at once decide once.
        changed = ExpenseClaim.objects.filter(
            pk=claim.pk, state=ExpenseClaim.State.SUBMITTED
        ).update(
            state=state,
            decided_by=by,
            decided_at=now,
            decision_note=note.strip(),
            confirmation_note=confirmed.strip(),
        )
        if not changed:
            raise ValidationError(_("This claim has already been decided."))
        claim.refresh_from_db()
        claim_decided_tell(claim)
    return claim


# --- payment -------------------------------------------------------------------------------


def claims_mark_paid(*, programme: Programme, by: Any, claim_ids: Iterable[int]) -> int:
    """Mark these approved claims of the programme paid; returns how many changed.

    All or nothing: if any of them is not an approved claim of the programme
    (already paid by someone else meanwhile, refused, or another programme's),
    nothing changes and the coordinator is asked to look again.
    """
    ids = set(claim_ids)
    if not ids:
        raise ValidationError({"claims": _("Choose the claims that finance has paid.")})
    with transaction.atomic():
        changed = _paid(ExpenseClaim.objects.filter(programme=programme, pk__in=ids), by=by)
        if changed != len(ids):
            raise ValidationError(
                {
                    "claims": _(
                        "Some of the ticked claims are no longer waiting for payment (someone "
                        "may have marked them paid meanwhile), so nothing was marked. Look at "
                        "the list again."
                    )
                }
            )
    return changed


def claims_batch_mark_paid(
    *, programme: Programme, by: Any, through: dt.datetime, expected: int
) -> int:
    """Mark paid every approved claim of the programme approved up to ``through``.

    ``expected`` is how many the coordinator saw in the batch (and sent to
    finance); if the batch no longer holds exactly that many, nothing changes.
    """
    if expected < 1:
        raise ValidationError(_("There is no approved claim in this batch to mark paid."))
    with transaction.atomic():
        changed = _paid(
            ExpenseClaim.objects.filter(programme=programme, decided_at__lte=through), by=by
        )
        if changed != expected:
            raise ValidationError(
                _(
                    "The batch has changed since the page was shown: it now holds %(now)s "
                    "approved claims, not %(then)s. Nothing was marked paid; look at the batch "
                    "again before marking it."
                )
                % {"now": changed, "then": expected}
            )
    return changed


def _paid(claims: Any, *, by: Any) -> int:
    # Conditional on the state, so a claim is marked paid once however many ask at once.
    return int(
        claims.filter(state=ExpenseClaim.State.APPROVED).update(
            state=ExpenseClaim.State.PAID, paid_by=by, paid_at=timezone.now()
        )
    )


def minor_text(claim: ExpenseClaim, minor: int) -> str:
    """An amount of the claim with its currency code, e.g. ``12.50 GBP``."""
    return f"{minor_to_text(minor, claim.currency)} {claim.currency}"
