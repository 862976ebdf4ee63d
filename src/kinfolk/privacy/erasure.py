"""Erasure: a person leaves, then nothing that identifies them stays (charter rule 4).

A volunteer or household row stays as an empty shell (no name, no place, no
languages, no account), so that the programme's counts of pairings and
visits stay right and the partner's history still says that a pairing
ended.  Everything else that is theirs is deleted or blanked: contact
details, consents, checks, invitations, feedback words, reports they wrote,
messages to them, their account with its sessions and sign-in records, and
every copy of their words in columns that may quote anyone
(``kinfolk.privacy.traces``).  The ledger (``ErasureRecord``) keeps the id and
the date, so ``reapply_ledger`` can erase them again after a restore.

Other apps add what they store about a person with ``eraser_register``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.outbox.models import Message
from kinfolk.pairings.models import (
    PairExclusion,
    Pairing,
    Proposal,
    RunPair,
    RunUnpaired,
    VisitorReport,
)
from kinfolk.people.models import (
    Consent,
    Household,
    HouseholdMember,
    Invitation,
    Volunteer,
    VolunteerCheck,
)
from kinfolk.people.services.participation import participant_leave
from kinfolk.privacy.models import ContactAccessLog, ContactDetails, ErasureRecord
from kinfolk.privacy.traces import text_values, traces_of, traces_scrub
from kinfolk.programmes.models import Coordinator
from kinfolk.visits.models import TimeProposal, Visit

Person = Volunteer | Household
#: Erases what one app stores about a person; returns the strings it removed.
Eraser = Callable[[Person], list[str]]
ERASERS: list[Eraser] = []


class ErasureRefused(Exception):
    """This erasure may not be done this way; the message says why, and nothing changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def eraser_register(eraser: Eraser) -> Eraser:
    """Add an app's eraser (usable as a decorator); it runs inside the erasure's transaction."""
    if eraser not in ERASERS:
        ERASERS.append(eraser)
    return eraser


# --- the two ways in -----------------------------------------------------------------------


def person_erase(*, person: Person, sessions_later: set[int] | None = None) -> ErasureRecord:
    """Leave (the partner learns only that the pairing ended), then erase the person everywhere.

    Their accounts go too, unless an account still has another role; then
    only its link to this person goes.  Erasing twice changes nothing more.
    A caller erasing many people passes ``sessions_later`` and then calls
    ``sessions_end`` once with it.
    """
    with transaction.atomic():
        person = type(person).objects.select_for_update().get(pk=person.pk)
        participant_leave(person=person)
        users = _accounts_of(person)
        traces = _person_erase_rows(person)
        for user in users:
            if _other_roles(user, person):
                _detach(user, person)
            else:
                traces += _account_delete(user, sessions_later=sessions_later)
        traces_scrub(traces_of(traces))
        record = _ledger_add(person.side, person.pk, person.programme_id)
    transaction.on_commit(_caches_clear)
    return record


def account_erase(*, user: Any) -> ErasureRecord:
    """ "Delete my account": erase every volunteer and household role of the account, then it.

    A household with other adults stays; only this adult leaves it.
    Coordinators and site administrators are refused: another administrator
    removes them, so that no programme is left without anyone running it.
    """
    refusal = account_erase_refusal(user=user)
    if refusal:
        raise ErasureRefused(refusal)
    user_pk = user.pk  # deleting the account clears it
    with transaction.atomic():
        for volunteer in Volunteer.objects.filter(user=user):
            person_erase(person=volunteer)
        for household in Household.objects.filter(members__user=user):
            if household.members.exclude(user=user).exists():
                HouseholdMember.objects.filter(household=household, user=user).delete()
            else:
                person_erase(person=household)
        user_model = get_user_model()
        if user_model.objects.filter(pk=user.pk).exists():
            traces_scrub(traces_of(_account_delete(user)))
        record = _ledger_add("account", user_pk, None)
    return record


def account_erase_refusal(*, user: Any) -> str:
    """Why this account cannot erase itself here, in words for its owner; "" when it can."""
    if user.is_staff or Coordinator.objects.filter(user=user).exists():
        return _(
            "Coordinators and site administrators cannot delete their own account here. "
            "Ask a site administrator to remove your role first."
        )
    return ""


def person_erase_for_paper_request(*, person: Person, programme: Any) -> ErasureRecord:
    """A coordinator records a request to erase that the person made on paper or by phone."""
    if person.programme_id != programme.pk:
        raise ErasureRefused(_("This person is not in your programme."))
    return person_erase(person=person)


def reapply_ledger() -> int:
    """Erase again every ledger entry that a restore brought back; returns how many.

    Safe to run at any time: an entry whose row is gone or already empty changes nothing.
    """
    again = 0
    user_model = get_user_model()
    for record in ErasureRecord.objects.all().iterator():
        if record.kind in ("volunteer", "household"):
            model = Volunteer if record.kind == "volunteer" else Household
            person = model.objects.filter(pk=record.erased_id).first()
            if person is not None and not person.is_erased:
                person_erase(person=person)
                again += 1
        elif record.kind == "account":
            user = user_model.objects.filter(pk=record.erased_id).first()
            if user is not None:
                with transaction.atomic():
                    traces_scrub(traces_of(_account_delete(user)))
                again += 1
    return again


# --- what is erased --------------------------------------------------------------------------


def _erased_id(person: Person) -> str:
    return f"erased-{person.pk}"


def _person_erase_rows(person: Person) -> list[str]:
    """Delete or blank every row that is the person's; return the strings that were in them."""
    owner = {person.side: person}
    traces = text_values(person)
    details = ContactDetails.objects.filter(**owner).first()
    if details is not None:
        traces += text_values(details)
        details.delete()
    for invitation in Invitation.objects.filter(**owner):
        traces += [invitation.email, invitation.first_name]
    Invitation.objects.filter(**owner).delete()
    Consent.objects.filter(**owner).delete()
    if isinstance(person, Volunteer):
        VolunteerCheck.objects.filter(volunteer=person).delete()
    traces += _pairings_erase(person)
    _messages_erase(person)
    for eraser in ERASERS:
        traces += eraser(person)
    _blank(person)
    return traces


def _pairings_erase(person: Person) -> list[str]:
    """Their words on visits, the places they named, reports they made; logistics stay."""
    owner = {person.side: person}
    pairings = Pairing.objects.filter(**owner)
    visits = Visit.objects.filter(pairing__in=pairings)
    traces = list(visits.values_list(f"{person.side}_words", flat=True))
    traces += list(visits.values_list("place_note", flat=True))
    visits.update(**{f"{person.side}_words": "", "place_note": ""})
    times = TimeProposal.objects.filter(visit__in=visits)
    traces += list(times.values_list("place_note", flat=True))
    times.update(place_note="")
    # Reports on these pairings are about or by the person: neither may outlive them.
    VisitorReport.objects.filter(pairing__in=pairings).delete()
    PairExclusion.objects.filter(**owner).update(note="")
    Proposal.objects.filter(**owner).update(explanation={})
    RunPair.objects.filter(**owner).update(explanation={})
    RunUnpaired.objects.filter(**owner).delete()
    return [t for t in traces if t]


def _messages_erase(person: Person) -> None:
    """Messages to them go; others' messages about their pairing keep no words, only counts."""
    Message.objects.filter(person_kind=person.side, person_id=person.pk).delete()
    pairings = list(Pairing.objects.filter(**{person.side: person}).values_list("pk", flat=True))
    proposals = list(Proposal.objects.filter(**{person.side: person}).values_list("pk", flat=True))
    visits = list(Visit.objects.filter(pairing__in=pairings).values_list("pk", flat=True))
    about = (
        Q(about_kind="pairing", about_id__in=pairings)
        | Q(about_kind="proposal", about_id__in=proposals)
        | Q(about_kind="visit", about_id__in=visits)
    )
    # The partner's "your pairing has ended" carries no name and still goes out.
    mentions = Message.objects.filter(about).exclude(purpose="pairing_ended")
    pending = mentions.filter(state__in=(Message.State.QUEUED, Message.State.SENDING))
    for pk, key in pending.values_list("pk", "dedupe_key"):
        Message.objects.filter(pk=pk).update(
            state=Message.State.DROPPED, claim="", dedupe_key=f"{key[:170]}~erased~{pk}"
        )
    mentions.update(subject="", body="")


def _blank(person: Person) -> None:
    """Empty every text field of the row; keep its programme, state and dates for the counts."""
    changed = ["external_id", "lat", "lon", "waiting_since"]
    for field in person._meta.concrete_fields:
        if field.name in ("state", "external_id") or field.choices:
            continue
        if field.get_internal_type() in ("CharField", "TextField"):
            setattr(person, field.attname, field.get_default() or "")
            changed.append(field.attname)
    person.external_id = _erased_id(person)
    person.lat, person.lon = person.programme.centre_lat, person.programme.centre_lon
    person.waiting_since = None
    if isinstance(person, Volunteer):
        person.user = None
        changed.append("user")
    person.save(update_fields=sorted(set(changed)))


# --- accounts ----------------------------------------------------------------------------


def _accounts_of(person: Person) -> list[Any]:
    user_model = get_user_model()
    if isinstance(person, Volunteer):
        return list(user_model.objects.filter(pk=person.user_id))
    return list(user_model.objects.filter(household_roles__household=person))


def _other_roles(user: Any, person: Person) -> bool:
    """Whether the account is still someone else in Kinfolk besides this person."""
    volunteers = Volunteer.objects.filter(user=user).exclude(state="left")
    households = Household.objects.filter(members__user=user).exclude(state="left")
    if isinstance(person, Volunteer):
        volunteers = volunteers.exclude(pk=person.pk)
    else:
        households = households.exclude(pk=person.pk)
    return (
        user.is_staff
        or Coordinator.objects.filter(user=user).exists()
        or volunteers.exists()
        or households.exists()
    )


def _detach(user: Any, person: Person) -> None:
    if isinstance(person, Volunteer):
        Volunteer.objects.filter(pk=person.pk).update(user=None)
    else:
        HouseholdMember.objects.filter(household=person, user=user).delete()


def _account_delete(user: Any, *, sessions_later: set[int] | None = None) -> list[str]:
    """Delete the account, its sessions, its sign-in records and its name in the access log."""
    traces = text_values(user)
    if sessions_later is None:
        sessions_end(user_ids={user.pk})
    else:
        sessions_later.add(user.pk)
    ContactAccessLog.objects.filter(viewer_id=user.pk).exclude(viewer_label="").update(
        viewer_label=""
    )
    ContactAccessLog.objects.filter(appointed_by_id=user.pk).exclude(appointed_by_label="").update(
        appointed_by_label=""
    )
    Message.objects.filter(user=user).delete()
    user.delete()
    return traces


def sessions_end(*, user_ids: set[int]) -> int:
    """Delete every stored session of these accounts, expired or not; returns how many.

    Sessions are the devices app's rows, each naming its account, so this is one query.
    """
    from kinfolk.devices.models import SignedInSession
    from kinfolk.devices.services import session_rows_delete

    if not user_ids:
        return 0
    return session_rows_delete(SignedInSession.objects.filter(user_id__in=user_ids))


def _ledger_add(kind: str, erased_id: int, programme_id: int | None) -> ErasureRecord:
    record, _created = ErasureRecord.objects.get_or_create(
        kind=kind,
        erased_id=erased_id,
        defaults={"programme_id": programme_id, "erased_at": timezone.now()},
    )
    return record


def _caches_clear() -> None:
    """Kinfolk caches nothing personal; clearing anyway keeps a future cache from keeping it."""
    for alias in settings.CACHES:
        caches[alias].clear()
