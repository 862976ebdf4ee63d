"""The demo programme: a realistic synthetic programme with three real logins.

Built once into the data folder; running the demo again reuses it.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.engine import synth
from kinfolk.pairings.matching import matching_run_execute
from kinfolk.pairings.models import MatchingRun, Pairing, Proposal
from kinfolk.people.columns import participant_fields
from kinfolk.people.models import Consent, Household, HouseholdMember, Volunteer, VolunteerCheck
from kinfolk.privacy.services import contact_details_bulk_create
from kinfolk.programmes.models import Coordinator, Organisation, Programme
from kinfolk.staff.models import CoordinatorOrganisation, Viewer
from kinfolk.visits.demo import visits_demo_seed

DEMO_NAME = "Friendship Families UK (demo)"
ORGANISATIONS = [
    ("Northgate Building Society", "company"),
    ("St Aidan's Sixth Form", "school"),
    ("City Council Housing Department", "department"),
    ("Riverside Walking Club", "club"),
]
SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Ahmed",
    "Nowak",
    "Kowalski",
    "Murphy",
    "Kelly",
    "Hughes",
    "Edwards",
    "Begum",
    "Ali",
    "Singh",
    "Okafor",
    "Mensah",
    "Silva",
    "Popescu",
    "Chen",
    "Wang",
    "Hussain",
)
STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "Mill Lane",
    "Victoria Road",
)
# Shares of people by state: most are active, a few at every other stage.
VOLUNTEER_STATES = {"applied": 0.08, "approved": 0.04, "active": 0.78, "paused": 0.05, "left": 0.05}
HOUSEHOLD_STATES = {"invited": 0.04, "active": 0.86, "paused": 0.05, "left": 0.05}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str
    note: str = ""


def demo_programme() -> Programme | None:
    return Programme.objects.filter(name=DEMO_NAME).first()


def demo_build(*, size: int, seed: int, data_dir: Path, progress: Progress) -> list[Login]:
    """Create the demo programme and its people, and write the logins file."""
    people = synth.generate(size, size, country="GB", seed=seed)
    volunteers, households = people.volunteers.to_records(), people.households.to_records()
    rng = np.random.default_rng(seed)
    with transaction.atomic():
        programme = Programme.objects.create(
            name=DEMO_NAME,
            country="GB",
            time_zone="Europe/London",
            centre_lat=54.3,
            centre_lon=-2.3,
            radius_km=700,
            languages="en;pl;ur;ar",
            currency="GBP",
            requires_safeguarding=True,
        )
        orgs = [
            Organisation.objects.create(programme=programme, name=n, kind=k)
            for n, k in ORGANISATIONS
        ]
        _volunteers_create(programme, volunteers, orgs, rng, progress)
        _households_create(programme, households, rng, progress)
        coordinator = _coordinator_create(programme)
        pairings = _pairings_create(programme, coordinator, rng, progress)
        logins = _logins_create(programme, pairings[0])
        progress("Planning visits", 0, 1)
        visits_demo_seed(programme=programme, seed=seed)
        progress("Planning visits", 1, 1)
    _logins_write(data_dir, logins)
    return logins


def _states(rng: np.random.Generator, n: int, shares: dict[str, float]) -> list[str]:
    names, p = list(shares), np.array(list(shares.values()))
    return [names[i] for i in rng.choice(len(names), size=n, p=p / p.sum())]


def _contact(rng: np.random.Generator, town: str) -> tuple[str, str, str]:
    """Invented last name, phone and address: phone numbers from the range set aside for drama."""
    street = STREETS[int(rng.integers(len(STREETS)))]
    return (
        SURNAMES[int(rng.integers(len(SURNAMES)))],
        f"+441134960{int(rng.integers(1000)):03d}",
        f"{int(rng.integers(1, 200))} {street}, {town}",
    )


def _contacts_create(
    rows: list[Volunteer] | list[Household], contacts: list[tuple[str, str, str]]
) -> None:
    # Phone and address belong to the privacy app, stored once the people have ids.
    details = [(p, phone, address) for p, (_l, phone, address) in zip(rows, contacts, strict=True)]
    contact_details_bulk_create(rows=details, batch_size=2000)


def _volunteers_create(
    programme: Programme,
    records: list[dict[str, str]],
    orgs: list[Organisation],
    rng: np.random.Generator,
    progress: Progress,
) -> None:
    states = _states(rng, len(records), VOLUNTEER_STATES)
    org_of = rng.integers(-len(orgs), len(orgs), size=len(records))  # about half have one
    now = timezone.now()
    contacts = [_contact(rng, r["town"]) for r in records]
    rows = [
        Volunteer(
            programme=programme,
            state=state,
            organisation=orgs[o] if o >= 0 else None,
            approved_at=None if state == "applied" else now,
            last_name=c[0],
            **participant_fields(r),
        )
        for r, c, state, o in zip(records, contacts, states, org_of.tolist(), strict=True)
    ]
    _bulk(Volunteer, rows, "volunteers", progress)
    _contacts_create(rows, contacts)
    _bulk(
        Consent,
        [Consent(volunteer=v, method="online", given_at=now) for v in rows],
        "volunteer consents",
        progress,
    )
    checks = [
        VolunteerCheck(volunteer=v, kind=k, completed_on=dt.date.today() - dt.timedelta(days=30))
        for v in rows
        if v.state != "applied"
        for k in programme.required_checks
    ]
    _bulk(VolunteerCheck, checks, "checks", progress)


def _households_create(
    programme: Programme,
    records: list[dict[str, str]],
    rng: np.random.Generator,
    progress: Progress,
) -> None:
    states = _states(rng, len(records), HOUSEHOLD_STATES)
    contacts = [_contact(rng, r["town"]) for r in records]
    rows = [
        Household(programme=programme, state=s, last_name=c[0], **participant_fields(r))
        for r, c, s in zip(records, contacts, states, strict=True)
    ]
    _bulk(Household, rows, "households", progress)
    _contacts_create(rows, contacts)
    now = timezone.now()
    consents = [
        Consent(household=h, method="online", given_at=now) for h in rows if h.state != "invited"
    ]
    _bulk(Consent, consents, "household consents", progress)


def _bulk(model: type, rows: list, label: str, progress: Progress, batch: int = 2000) -> None:
    for start in range(0, len(rows), batch):
        model.objects.bulk_create(rows[start : start + batch])
        progress(f"Creating {label}", min(start + batch, len(rows)), len(rows))


def _coordinator_create(programme: Programme) -> Any:
    # The password is set with the other demo logins, once the pairings exist.
    coordinator = get_user_model().objects.create_user(
        "coordinator@demo.kinfolk.test", first_name="Cora", email_verified_at=timezone.now()
    )
    Coordinator.objects.create(programme=programme, user=coordinator)
    return coordinator


# Of the pairs the first matching run found: most became pairings over the
# past months, some are proposals still waiting for answers, the rest wait.
PAIRED_SHARE, PROPOSED_SHARE = 0.7, 0.12


def _pairings_create(
    programme: Programme, coordinator: Any, rng: np.random.Generator, progress: Progress
) -> list[Pairing]:
    """Run the real matching adapter, then turn its pairs into pairings and proposals."""
    run = MatchingRun.objects.create(programme=programme, started_by=coordinator, status="running")
    matching_run_execute(
        run=run, progress=lambda stage, done, total: progress(f"Matching: {stage}", done, total)
    )
    pairs = list(run.pairs.select_related("volunteer", "household").order_by("pk"))
    order = rng.permutation(len(pairs))
    n_paired, n_proposed = int(PAIRED_SHARE * len(pairs)), int(PROPOSED_SHARE * len(pairs))
    today, now = dt.date.today(), timezone.now()
    pairings = [
        Pairing(
            programme=programme,
            volunteer=p.volunteer,
            household=p.household,
            started_on=today - dt.timedelta(days=int(rng.integers(14, 540))),
        )
        for p in (pairs[i] for i in order[:n_paired])
    ]
    _bulk(Pairing, pairings, "pairings", progress)
    proposals = []
    for p in (pairs[i] for i in order[n_paired : n_paired + n_proposed]):
        sent = now - dt.timedelta(days=int(rng.integers(1, 8)))
        proposals.append(
            Proposal(
                programme=programme,
                run=run,
                volunteer=p.volunteer,
                household=p.household,
                explanation=p.explanation,
                distance_km=p.distance_km,
                sent_at=sent,
                answer_by=sent + dt.timedelta(days=programme.proposal_days),
                nudge_at=sent + dt.timedelta(days=programme.proposal_days / 2),
                volunteer_answer="accepted" if rng.random() < 0.4 else "",
            )
        )
    _bulk(Proposal, proposals, "proposals", progress)
    MatchingRun.objects.filter(pk=run.pk).update(status="sent", sent_at=now)
    # The demo's own volunteer and household are a pair of the longest standing.
    return sorted(pairings, key=lambda x: x.started_on)


def _logins_create(programme: Programme, pairing: Pairing) -> list[Login]:
    User = get_user_model()
    logins = []

    def user(role: str, email: str, first_name: str, **extra: object) -> object:
        password = secrets.token_urlsafe(9)
        account = User.objects.create_user(
            email, password, first_name=first_name, email_verified_at=timezone.now(), **extra
        )
        logins.append(Login(role, email, password))
        return account

    coordinator = User.objects.get(email="coordinator@demo.kinfolk.test")
    password = secrets.token_urlsafe(9)
    coordinator.set_password(password)
    coordinator.save(update_fields=["password"])
    logins.append(Login("coordinator", coordinator.email, password))
    volunteer, household = pairing.volunteer, pairing.household
    volunteer.user = user("volunteer", "volunteer@demo.kinfolk.test", volunteer.first_name)
    volunteer.save(update_fields=["user"])
    HouseholdMember.objects.create(
        household=household,
        user=user("household", "household@demo.kinfolk.test", household.first_name),
    )
    _staff_logins_create(programme, user)
    admin = user(
        "site administrator", "admin@demo.kinfolk.test", "Ada", is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=admin, name="demo authenticator", confirmed=True)
    key = base64.b32encode(device.bin_key).decode()
    logins[-1] = Login(
        logins[-1].role, logins[-1].email, logins[-1].password, f"two-factor key {key}"
    )
    return logins


def _staff_logins_create(programme: Programme, user: Callable[..., Any]) -> None:
    """A viewer (figures only) and a coordinator of one organisation, to try both roles."""
    Viewer.objects.create(
        programme=programme, user=user("viewer", "viewer@demo.kinfolk.test", "Tess")
    )
    organisation = programme.organisations.order_by("name").first()
    if organisation is None:
        return
    limited = user("coordinator of one organisation", "org-coordinator@demo.kinfolk.test", "Lin")
    membership = Coordinator.objects.create(programme=programme, user=limited)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=organisation)


def _logins_write(data_dir: Path, logins: list[Login]) -> None:
    path = data_dir / "demo-logins.txt"
    path.write_text("".join(f"{x.role}\t{x.email}\t{x.password}\t{x.note}\n" for x in logins))
    path.chmod(0o600)


def demo_logins(data_dir: Path) -> list[Login]:
    path = data_dir / "demo-logins.txt"
    if not path.exists():
        return []
    return [Login(*line.split("\t")) for line in path.read_text().splitlines() if line]
