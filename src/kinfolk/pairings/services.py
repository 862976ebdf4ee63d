"""Proposals both sides answer, and the pairings that follow.

A proposal becomes a pairing only when both sides accept; either may decline
with no reason, and a decline never changes anyone's waiting date (charter
rule 2).  The household can end its pairing alone, at once (rule 6).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.pairings import notify
from kinfolk.pairings.models import Pairing, Proposal
from kinfolk.people.models import Household, Volunteer
from kinfolk.visits.services.planning import visits_cancel_future, visits_plan_for_pairing

Person = Volunteer | Household


class PairingError(Exception):
    """A step that does not apply now; the message says why, in the asker's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def proposal_answer(*, proposal_id: int, person: Person, accept: bool) -> Proposal:
    """Record one side's answer; when both have accepted, the pairing starts.

    The proposal row is locked for the answer, and the database allows one
    active pairing per person, so answers arriving together make at most one.
    """
    side = person.side
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update()
            .select_related("volunteer", "household", "programme")
            .get(pk=proposal_id, **{side: person})
        )
        _answerable_check(proposal, side)
        setattr(proposal, f"{side}_answer", "accepted" if accept else "declined")
        fields = [f"{side}_answer"]
        if not accept:
            _close(proposal, Proposal.State.DECLINED, fields)
            _tell_declined(proposal, side)
        elif proposal.volunteer_answer == proposal.household_answer == "accepted":
            _close(proposal, Proposal.State.ACCEPTED, fields)
            _pairing_start(proposal)
        proposal.save(update_fields=fields)
    return proposal


def _answerable_check(proposal: Proposal, side: str) -> None:
    if proposal.state == Proposal.State.LAPSED:
        raise PairingError(_("This proposal has lapsed; you are waiting for a new one."))
    if proposal.state != Proposal.State.OPEN:
        raise PairingError(_("This proposal is closed; nothing was changed."))
    if getattr(proposal, f"{side}_answer"):
        raise PairingError(_("You have already answered this proposal."))
    for person in (proposal.volunteer, proposal.household):
        person.refresh_from_db(fields=["state"])
        if person.state != "active":
            raise PairingError(
                _("This proposal no longer stands: one side is not taking part now.")
            )


def _close(proposal: Proposal, state: str, fields: list[str]) -> None:
    proposal.state = state
    proposal.closed_at = timezone.now()
    fields += ["state", "closed_at"]


def _pairing_start(proposal: Proposal) -> Pairing:
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                programme=proposal.programme,
                volunteer=proposal.volunteer,
                household=proposal.household,
                proposal=proposal,
                started_on=proposal.programme.today(),
            )
    except IntegrityError:
        raise PairingError(_("One of you is already paired; nothing was changed.")) from None
    visits_plan_for_pairing(pairing=pairing)
    for person in (proposal.volunteer, proposal.household):
        notify.send(
            person,
            lambda p=person: _started_message(p, pairing),
            purpose="pairing_started",
            about=("pairing", pairing.pk),
        )
    return pairing


def _started_message(person: Person, pairing: Pairing) -> tuple[str, str]:
    partner = pairing.household if isinstance(person, Volunteer) else pairing.volunteer
    body = _(
        "You and %(partner)s have both said yes: your pairing has started.\n\n"
        "Your page now shows how to reach each other:\n%(link)s"
    ) % {"partner": partner.first_name, "link": notify.home_link(person)}
    return _("Your pairing has started"), body


def _tell_declined(proposal: Proposal, side: str) -> None:
    # The other side learns only that this proposal will not go ahead, never who said no.
    proposal_called_off_tell(
        person=proposal.household if side == "volunteer" else proposal.volunteer,
        proposal_id=proposal.pk,
    )


def proposal_called_off_tell(*, person: Person, proposal_id: int | None = None) -> None:
    """Tell the person their proposal will not go ahead, and nothing about why or who."""

    def compose() -> tuple[str, str]:
        body = _(
            "The proposal we sent you will not go ahead. Nothing changes for you: you keep "
            "your place, and we will propose someone else.\n\n%(link)s"
        ) % {"link": notify.home_link(person)}
        return _("An update on your proposal"), body

    notify.send(
        person,
        compose,
        purpose="proposal_called_off",
        about=("proposal", proposal_id) if proposal_id else None,
    )


def pairing_end(*, pairing: Pairing, by: Person) -> Pairing:
    """End the pairing at once; the other side learns only that it has ended.

    Either side may end it, the household alone included.  Both become ready
    to be paired again from today, and the pair is never proposed again.
    """
    if by.side == "volunteer" and pairing.volunteer_id != by.pk:
        raise PairingError(_("This is not your pairing."))
    if by.side == "household" and pairing.household_id != by.pk:
        raise PairingError(_("This is not your pairing."))
    with transaction.atomic():
        locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if locked.state != Pairing.State.ACTIVE:
            return locked
        _end(locked, ended_by=by.side)
        other = locked.household if by.side == "volunteer" else locked.volunteer
        _tell_ended(locked, other)
    return locked


def _end(pairing: Pairing, *, ended_by: str) -> None:
    pairing.state = Pairing.State.ENDED
    pairing.ended_at = timezone.now()
    pairing.ended_by = ended_by
    pairing.save(update_fields=["state", "ended_at", "ended_by"])
    visits_cancel_future(pairing=pairing)
    today = pairing.programme.today()
    for person in (pairing.volunteer, pairing.household):
        person.waiting_since = today
        person.save(update_fields=["waiting_since"])


def _tell_ended(pairing: Pairing, other: Person) -> None:
    notify.send(
        other,
        lambda: _ended_message(other),
        purpose="pairing_ended",
        about=("pairing", pairing.pk),
    )


def _ended_message(person: Person) -> tuple[str, str]:
    body = _(
        "Your pairing has ended. Thank you for the time you gave it. If you are still "
        "taking part, we will propose someone new.\n\n%(link)s"
    ) % {"link": notify.home_link(person)}
    return _("Your pairing has ended"), body


def pairings_end_for_person(*, person: Person, reason: str) -> None:
    """When someone leaves: end their pairing and close their open proposals."""
    for pairing in Pairing.objects.filter(state="active", **{person.side: person}):
        _end(pairing, ended_by=reason)
        other = pairing.household if person.side == "volunteer" else pairing.volunteer
        _tell_ended(pairing, other)
    proposals_cancel_for_person(person=person)


def proposals_cancel_for_person(*, person: Person) -> int:
    """Close the person's open proposal (they paused or left); the other side keeps its place."""
    return Proposal.objects.filter(state="open", **{person.side: person}).update(
        state=Proposal.State.CANCELLED, closed_at=timezone.now()
    )


def proposals_lapse(*, now: dt.datetime) -> dict[str, int]:
    """Nudge once when half the answer time has passed; lapse what is still open at the deadline.

    A lapse is not a decline: the pair may be proposed again.
    """
    lapsed = Proposal.objects.filter(state="open", answer_by__lte=now).update(
        state=Proposal.State.LAPSED, closed_at=now
    )
    nudged = 0
    for proposal in _nudge_due(now):
        with transaction.atomic():
            claimed = Proposal.objects.filter(pk=proposal.pk, nudged_at__isnull=True).update(
                nudged_at=now
            )
            if claimed:
                _nudge_send(proposal)
                nudged += 1
    return {"lapsed": lapsed, "nudged": nudged}


def _nudge_due(now: dt.datetime) -> Any:
    return Proposal.objects.filter(
        state="open", nudged_at__isnull=True, nudge_at__lte=now
    ).select_related("volunteer__user", "household")


def _nudge_send(proposal: Proposal) -> None:
    for side, person in (("volunteer", proposal.volunteer), ("household", proposal.household)):
        if getattr(proposal, f"{side}_answer"):
            continue

        def compose(person: Person = person) -> tuple[str, str]:
            body = _(
                "A proposal is waiting for your answer until %(date)s. Yes and no are both "
                "fine answers, and no needs no reason.\n\n%(link)s"
            ) % {
                "date": formats.date_format(proposal.answer_by.date(), "DATE_FORMAT"),
                "link": notify.home_link(person),
            }
            return _("A proposal is waiting for you"), body

        notify.send(person, compose, purpose="proposal_nudge", about=("proposal", proposal.pk))


def visitor_report(
    *, pairing: Pairing, household: Household, by: Any, words: str, end: bool
) -> Any:
    """The household tells the programme about its visitor; the visitor is never shown it.

    Ending the pairing at the same time is the household's choice, and works at once.
    """
    from kinfolk.pairings.models import VisitorReport

    if pairing.household_id != household.pk:
        raise PairingError(_("This is not your pairing."))
    with transaction.atomic():
        report = VisitorReport(
            pairing=pairing, reported_by=by, words=words.strip(), ended_pairing=end
        )
        report.full_clean()
        report.save()
        # The programme's coordinators hear of it at once (e-mail and overview badge).
        from kinfolk.casework.services.concerns import concern_from_visitor_report

        concern_from_visitor_report(report=report)
        if end:
            pairing_end(pairing=pairing, by=household)
    return report
