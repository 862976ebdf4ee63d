"""Forbidden pairs: the programme's lasting "never these two", lifted on a person's page.

Every door that can put two people together asks this module: each matching
run (the adapter's exclusions), sending a run (its INSERT ... SELECT), pairing
by hand and the pairings import.  A forbid is never deleted; lifting it
records who and when, so the person pages keep the history.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.pairings.models import PairExclusion, Proposal
from kinfolk.pairings.services import PairingError, proposal_called_off_tell
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme


def pair_exclusion_set(
    *, programme: Programme, volunteer: Volunteer, household: Household, by: Any, note: str = ""
) -> PairExclusion:
    """Forbid the pair from now on; an open proposal between the two closes, both are told.

    Forbidding a pair already forbidden returns the standing exclusion unchanged.
    """
    if volunteer.programme_id != programme.pk or household.programme_id != programme.pk:
        raise PairingError(_("These two are not both in this programme."))
    with transaction.atomic():
        standing = _standing(volunteer, household)
        if standing is not None:
            return standing
        exclusion = PairExclusion(
            programme=programme,
            volunteer=volunteer,
            household=household,
            set_by=by,
            set_at=timezone.now(),
            note=note.strip(),
        )
        exclusion.full_clean()
        try:
            with transaction.atomic():
                exclusion.save()
        except IntegrityError:  # forbidden at the same moment by another click
            return _standing(volunteer, household) or exclusion
        _open_proposal_close(volunteer, household)
    return exclusion


def _standing(volunteer: Volunteer, household: Household) -> PairExclusion | None:
    return PairExclusion.objects.filter(
        volunteer=volunteer, household=household, lifted_at__isnull=True
    ).first()


def _open_proposal_close(volunteer: Volunteer, household: Household) -> None:
    # Without this, the two could still both accept a proposal sent before the forbid.
    proposal = Proposal.objects.filter(state="open", volunteer=volunteer, household=household)
    if proposal.update(state=Proposal.State.CANCELLED, closed_at=timezone.now()):
        for person in (volunteer, household):
            proposal_called_off_tell(person=person)


def pair_exclusion_lift(*, exclusion: PairExclusion, by: Any) -> PairExclusion:
    """Lift a forbid: from now on the two may be proposed, sent and paired again."""
    lifted = PairExclusion.objects.filter(pk=exclusion.pk, lifted_at__isnull=True).update(
        lifted_by=by, lifted_at=timezone.now()
    )
    if not lifted:
        raise PairingError(_("This forbidden pair was already lifted; nothing was changed."))
    exclusion.refresh_from_db(fields=["lifted_by", "lifted_at"])
    return exclusion


def pair_allowed_check(*, volunteer: Volunteer, household: Household) -> None:
    """Refuse, saying who forbade the pair and when, if the two must not be paired."""
    standing = (
        PairExclusion.objects.filter(
            volunteer=volunteer, household=household, lifted_at__isnull=True
        )
        .select_related("set_by", "programme")
        .first()
    )
    if standing is not None:
        raise PairingError(exclusion_refusal(standing))


def exclusion_refusal(exclusion: PairExclusion) -> str:
    """Why a forbidden pair is refused, in words a coordinator can act on."""
    day = timezone.localtime(exclusion.set_at, exclusion.programme.zone).date()
    return _(
        "%(v)s and %(h)s must not be paired: %(who)s forbade it on %(date)s. "
        "Lift it on either person's page first."
    ) % {
        "v": exclusion.volunteer.first_name,
        "h": exclusion.household.first_name,
        "who": exclusion.set_by.first_name if exclusion.set_by else _("a coordinator"),
        "date": formats.date_format(day, "DATE_FORMAT"),
    }
