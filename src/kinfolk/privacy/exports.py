"""Everything Kinfolk stores about the signed-in person, as sections of rows (GDPR art. 15, 20).

Each section says which models it covers, so that a test can check that
every model holding a person's data is either exported or on the reviewed
list of exemptions (``EXEMPT``), with the reason.  Another app adds its own
section with ``exporter_register`` (in its ``AppConfig.ready``); a section may
cover a whole app with ``"app_label.*"``.

Rows are plain dictionaries of JSON-friendly values; ``kinfolk.privacy.archive``
writes them as JSON and CSV into a ZIP.  Other people appear by first name
only, never by their contact details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.accounts.models import AccountEvent, TwoFactorEnrolment
from kinfolk.outbox.models import Message
from kinfolk.pairings.models import (
    PairExclusion,
    Pairing,
    Proposal,
    RunPair,
    RunRule,
    RunUnpaired,
    VisitorReport,
)
from kinfolk.people.models import Consent, Household, Invitation, Volunteer, VolunteerCheck
from kinfolk.privacy.consents import consent_history
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.privacy.services import CONTACT_FIELDS, contact_details_read
from kinfolk.programmes.models import Coordinator
from kinfolk.visits.models import (
    CalendarFeed,
    ReminderPreference,
    ReminderSent,
    Visit,
)

Person = Volunteer | Household
Row = dict[str, Any]


@dataclass(frozen=True)
class Subject:
    """The signed-in account and every participant it is."""

    user: Any
    volunteers: list[Volunteer]
    households: list[Household]

    @property
    def people(self) -> list[Person]:
        return [*self.volunteers, *self.households]

    @classmethod
    def of(cls, user: Any) -> Subject:
        return cls(
            user=user,
            volunteers=list(Volunteer.objects.filter(user=user).select_related("programme")),
            households=list(
                Household.objects.filter(members__user=user).select_related("programme")
            ),
        )


@dataclass(frozen=True)
class Section:
    name: str  # the file name in the ZIP
    title: Any  # words for the page (lazy translation)
    models: tuple[str, ...]
    rows: Callable[[Subject], list[Row]]


EXPORTERS: list[Section] = []

#: Models that hold something about a person but are not exported, and why (reviewed).
EXEMPT: dict[str, str] = {
    "pairings.VisitorReport": (
        "A household's report about its visitor is not shown to that visitor: it protects the "
        "person who reported (charter rule 4). Reports a household made are exported to it."
    ),
    "otp_totp.TOTPDevice": (
        "A site administrator's authenticator secret: a copy would let whoever holds the file "
        "sign in as them."
    ),
    "sessions.Session": "Sign-in cookies' state: it signs in whoever holds it.",
    "privacy.ErasureRecord": "Ids and dates of rows already erased: about nobody who remains.",
    "pairings.MatchingRun": "A coordinator's matching job: the programme's record of its work.",
    "pairings.PairingImport": "A coordinator's upload: the programme's record of its work.",
    "privacy.ExportClaim": "Only marks an export being made, for the minute it takes.",
    "staff.Viewer": "A staff appointment (a funder's read-only view), not a participant.",
    "imports.PeopleImport": "A coordinator's upload: the programme's record of its work.",
    "api.ApiToken": "A coordinator's key to the programme's API: the programme's own record.",
    "budget.RateCard": "A programme's rates (per km, per visit, per year): about nobody.",
    "budget.AnnualBudget": "A programme's yearly budget: about nobody.",
    "regions.Region": "A part of the programme and its name: about no person.",
    "regions.RegionTown": "A town's place in a region: about no person.",
    "regions.CoordinatorRegion": "A staff appointment (a coordinator's regions), no participant.",
}


def exporter_register(
    name: str, title: Any, models: tuple[str, ...]
) -> Callable[[Callable[[Subject], list[Row]]], Callable[[Subject], list[Row]]]:
    """Add a section of "My data" (usable as a decorator); registering a name again replaces it."""

    def register(rows: Callable[[Subject], list[Row]]) -> Callable[[Subject], list[Row]]:
        EXPORTERS[:] = [s for s in EXPORTERS if s.name != name]
        EXPORTERS.append(Section(name, title, models, rows))
        return rows

    return register


def sections_build(*, subject: Subject) -> list[tuple[Section, list[Row]]]:
    """Every section with its rows for this person."""
    return [(section, section.rows(subject)) for section in EXPORTERS]


@dataclass(frozen=True)
class StoredFile:
    """A file of the person's in the site's storage (a receipt), copied into the ZIP as stored."""

    path: str  # in the ZIP, under a folder: "receipts/claim-12.jpg"
    name: str  # in Django's default storage


#: Functions giving the person's stored files; an app adds one with ``files_register``.
FILE_EXPORTERS: list[Callable[[Subject], list[StoredFile]]] = []


def files_register(
    files: Callable[[Subject], list[StoredFile]],
) -> Callable[[Subject], list[StoredFile]]:
    """Add the person's stored files of an app to "My data" (usable as a decorator)."""
    if files not in FILE_EXPORTERS:
        FILE_EXPORTERS.append(files)
    return files


def files_build(*, subject: Subject) -> list[StoredFile]:
    """Every stored file of this person's, and only theirs."""
    return [found for files in FILE_EXPORTERS for found in files(subject)]


def _partner_name(pairing_or_proposal: Any, person: Person) -> str:
    other = (
        pairing_or_proposal.household
        if person.side == "volunteer"
        else pairing_or_proposal.volunteer
    )
    return str(other.first_name)


def _mine(person: Person) -> dict[str, Person]:
    return {person.side: person}


# --- the sections ----------------------------------------------------------------------


@exporter_register("account", _("Your account"), ("accounts.User", "visits.ReminderPreference"))
def _account(subject: Subject) -> list[Row]:
    user = subject.user
    preference = ReminderPreference.objects.filter(user=user).first()
    return [
        {
            "email": user.email or "",
            "phone": user.phone or "",
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": user.date_joined,
            "email_verified_at": user.email_verified_at,
            "phone_verified_at": user.phone_verified_at,
            "reminders_by_email": preference.email if preference else True,
            "reminders_by_sms": preference.sms if preference else False,
        }
    ]


_PROFILE_FIELDS = (
    "external_id", "first_name", "last_name", "state", "town", "lat", "lon", "max_travel_km",
    "visit_places", "speaks", "learning", "availability", "offers", "accepts", "blackout",
    "travel_mode", "waiting_since", "created_at", "state_changed_at",
)  # fmt: skip


@exporter_register(
    "profiles",
    _("Your profile in each programme"),
    ("people.Volunteer", "people.Household", "people.HouseholdMember"),
)
def _profiles(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        row: Row = {"programme": person.programme.name, "role": person.side}
        row |= {name: getattr(person, name) for name in _PROFILE_FIELDS}
        rows.append(row)
    return rows


@exporter_register("contact_details", _("Your contact details"), ("privacy.ContactDetails",))
def _contact_details(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        # Read as the person themselves: the one door, and not logged as someone else's read.
        values = contact_details_read(
            viewer=subject.user, person=person, fields=CONTACT_FIELDS, reason="my data"
        )
        rows.append({"programme": person.programme.name, "role": person.side, **values})
    return rows


@exporter_register(
    "consents",
    _("Your consents, with the words you agreed to"),
    ("people.Consent", "privacy.ConsentAgreement", "privacy.ConsentDocument"),
)
def _consents(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        consents = list(Consent.objects.filter(**_mine(person)).order_by("given_at"))
        for entry in consent_history(consents=consents):
            rows.append({"programme": person.programme.name, "role": person.side, **entry})
    return rows


@exporter_register(
    "checks", _("The programme's checks of you as a volunteer"), ("people.VolunteerCheck",)
)
def _checks(subject: Subject) -> list[Row]:
    checks = VolunteerCheck.objects.filter(volunteer__in=subject.volunteers)
    return [
        {"kind": c.get_kind_display(), "completed_on": c.completed_on, "recorded_at": c.recorded_at}
        for c in checks.order_by("recorded_at")
    ]


@exporter_register("invitations", _("Invitations"), ("people.Invitation",))
def _invitations(subject: Subject) -> list[Row]:
    user = subject.user
    sent_to = Q(email__iexact=user.email) if user.email else Q(pk__in=[])
    if user.phone:
        sent_to |= Q(email="", phone=user.phone)  # invited by text message
    invitations = Invitation.objects.filter(
        sent_to | Q(household__in=subject.households) | Q(volunteer__in=subject.volunteers)
    ).select_related("programme")
    return [
        {
            "programme": i.programme.name,
            "role": i.get_role_display(),
            "first_name": i.first_name,
            "created_at": i.created_at,
            "expires_at": i.expires_at,
            "accepted_at": i.accepted_at,
        }
        for i in invitations.order_by("created_at")
    ]


@exporter_register("proposals", _("Proposals made to you"), ("pairings.Proposal",))
def _proposals(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        proposals = Proposal.objects.filter(**_mine(person)).select_related(
            "volunteer", "household"
        )
        for p in proposals.order_by("sent_at"):
            rows.append(
                {
                    "role": person.side,
                    "with": _partner_name(p, person),
                    "state": p.get_state_display(),
                    "your_answer": getattr(p, f"{person.side}_answer"),
                    "sent_at": p.sent_at,
                    "answer_by": p.answer_by,
                    "closed_at": p.closed_at,
                    "why": p.explanation,
                }
            )
    return rows


@exporter_register("pairings", _("Your pairings"), ("pairings.Pairing",))
def _pairings(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        pairings = Pairing.objects.filter(**_mine(person)).select_related("volunteer", "household")
        for p in pairings.order_by("started_on"):
            rows.append(
                {
                    "role": person.side,
                    "with": _partner_name(p, person),
                    "state": p.get_state_display(),
                    "source": p.get_source_display(),
                    "started_on": p.started_on,
                    "ended_at": p.ended_at,
                }
            )
    return rows


@exporter_register(
    "visits",
    _("Visits, their outcomes and feedback by you and to you"),
    ("visits.Visit", "visits.TimeProposal"),
)
def _visits(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        other = "household" if person.side == "volunteer" else "volunteer"
        visits = Visit.objects.filter(**{f"pairing__{person.side}": person})
        for v in visits.order_by("window_start").prefetch_related("times"):
            rows.append(
                {
                    "role": person.side,
                    "window_start": v.window_start,
                    "window_end": v.window_end,
                    "host": v.get_host_display(),
                    "state": v.get_state_display(),
                    "place_note": v.place_note,
                    "times_proposed": [
                        {
                            "starts_at": t.starts_at.isoformat(),
                            "by": t.proposed_by,
                            "state": t.state,
                        }
                        for t in v.times.all()
                    ],
                    "your_outcome": v.outcome_of(person.side),
                    "your_rating": getattr(v, f"{person.side}_rating"),
                    "your_words": getattr(v, f"{person.side}_words"),
                    "partner_outcome": v.outcome_of(other),
                    "partner_rating": getattr(v, f"{other}_rating"),
                    "partner_words": getattr(v, f"{other}_words"),
                }
            )
    return rows


@exporter_register("reports_you_made", _("Reports you made about a visitor"), ())
def _reports(subject: Subject) -> list[Row]:
    reports = VisitorReport.objects.filter(
        pairing__household__in=subject.households, reported_by=subject.user
    )
    return [
        {"words": r.words, "ended_pairing": r.ended_pairing, "created_at": r.created_at}
        for r in reports.order_by("created_at")
    ]


@exporter_register(
    "matching",
    _("Matching rounds and decisions about whom you are paired with"),
    ("pairings.RunPair", "pairings.RunUnpaired", "pairings.RunRule", "pairings.PairExclusion"),
)
def _matching(subject: Subject) -> list[Row]:
    rows: list[Row] = []
    for person in subject.people:
        for pair in RunPair.objects.filter(**_mine(person)).select_related("run"):
            rows.append({"what": "draft pair in a matching round", "at": pair.run.created_at})
        for unpaired in RunUnpaired.objects.filter(**_mine(person)).select_related("run"):
            rows.append(
                {"what": f"not paired in a round: {unpaired.reason}", "at": unpaired.run.created_at}
            )
        for rule in RunRule.objects.filter(**_mine(person)).select_related("run"):
            rows.append({"what": "pair kept for the next round", "at": rule.run.created_at})
        # The other person of an exclusion is not named: it may protect them.
        for exclusion in PairExclusion.objects.filter(**_mine(person)):
            rows.append(
                {
                    "what": "a pairing the programme will not propose",
                    "at": exclusion.set_at,
                    "lifted_at": exclusion.lifted_at,
                }
            )
    return rows


@exporter_register("messages", _("Messages sent to you"), ("outbox.Message", "visits.ReminderSent"))
def _messages(subject: Subject) -> list[Row]:
    mine = Q(user=subject.user)
    for person in subject.people:
        mine |= Q(person_kind=person.side, person_id=person.pk)
    messages = Message.objects.filter(mine).order_by("created_at", "pk")
    return [
        {
            "created_at": m.created_at,
            "channel": m.channel,
            "to": m.to,
            "subject": m.subject,
            "body": m.body,
            "state": m.state,
            "sent_at": m.sent_at,
        }
        for m in messages
    ]


@exporter_register(
    "contact_reads", _("Who looked at your contact details"), ("privacy.ContactAccessLog",)
)
def _contact_reads(subject: Subject) -> list[Row]:
    rows = []
    for person in subject.people:
        log = ContactAccessLog.objects.filter(person_kind=person.side, person_id=person.pk)
        for r in log.order_by("day"):
            rows.append(
                {
                    "role": person.side,
                    "day": r.day,
                    "who": r.viewer_label,
                    "as": r.viewer_role,
                    "fields": r.fields,
                    "why": r.reasons,
                    "times": r.reads,
                }
            )
    return rows


@exporter_register(
    "account_records",
    _("Calendar addresses, roles and records of your account"),
    (
        "visits.CalendarFeed",
        "programmes.Coordinator",
        "accounts.AccountEvent",
        "accounts.TwoFactorEnrolment",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    ),
)
def _account_records(subject: Subject) -> list[Row]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    user = subject.user
    rows: list[Row] = [
        {"what": f"calendar address ({f.side})", "at": f.created_at}
        for f in CalendarFeed.objects.filter(user=user)
    ]
    rows += [
        {"what": f"coordinator of {c.programme.name}", "at": c.appointed_at}
        for c in Coordinator.objects.filter(user=user).select_related("programme")
    ]
    rows += [
        {"what": e.get_kind_display(), "at": e.at} for e in AccountEvent.objects.filter(user=user)
    ]
    rows += [
        {"what": "two-factor enrolment link", "at": t.created_at}
        for t in TwoFactorEnrolment.objects.filter(user=user)
    ]
    for model, what in (
        (AccessLog, "sign-in"),
        (AccessAttempt, "failed sign-in"),
        (AccessFailureLog, "failed sign-in"),
    ):
        for a in model.objects.filter(username__iexact=user.sign_in_name):
            rows.append({"what": what, "at": a.attempt_time, "ip_address": a.ip_address})
    rows += [
        {"what": "reminder", "at": r.claimed_at}
        for r in ReminderSent.objects.filter(recipient_id=user.pk)
    ]
    return sorted(rows, key=lambda row: str(row["at"]))


def _casework_rows(subject: Subject) -> list[Row]:
    """Notes and actions recorded on the person's behalf, when the casework app is installed."""
    from kinfolk.casework.selectors import records_about

    rows = []
    for person in subject.people:
        found = records_about(person)
        for kind, records in (("note", found.notes), ("action on your behalf", found.actions)):
            for record in records:
                fields = record._meta.concrete_fields
                rows.append(
                    {"record": kind, **{f.name: getattr(record, f.attname) for f in fields}}
                )
    return rows


exporter_register("casework", _("Notes and actions recorded on your behalf"), ("casework.*",))(
    _casework_rows
)


@exporter_register(
    "introduction", _("What you wrote about yourself"), ("introductions.Introduction",)
)
def _introduction(subject: Subject) -> list[Row]:
    from kinfolk.introductions.models import Introduction

    rows = []
    for person in subject.people:
        for intro in Introduction.objects.filter(**{person.side: person}):
            rows.append(
                {"role": person.side, "about_me": intro.about_me, "interests": intro.interests}
            )
    return rows


@exporter_register("imported", _("How you were added from a spreadsheet"), ("imports.Invitee",))
def _imported(subject: Subject) -> list[Row]:
    from kinfolk.imports.models import Invitee

    rows = []
    for person in subject.people:
        for invitee in Invitee.objects.filter(**{person.side: person}):
            rows.append(
                {
                    "role": person.side,
                    "email": invitee.email,
                    "phone": invitee.phone,
                    "invited_at": invitee.invited_at,
                }
            )
    return rows
