"""Small row builders for tests (healthchecks' personas, pytest style).

Every test builds the rows it needs with these, so that no fixture is copied
between files.  Synthetic people get unusable passwords.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kinfolk.people.models import Consent, Household, HouseholdMember, Volunteer
from kinfolk.privacy.services import CONTACT_FIELDS, contact_details_read, contact_details_write
from kinfolk.programmes.models import Coordinator, Programme

_serial = itertools.count(1)

LEEDS = (53.79648, -1.54785)
BRISTOL = (51.45523, -2.59665)


def make_user(email: str | None = None, **fields: Any) -> Any:
    n = next(_serial)
    fields.setdefault("first_name", f"Person{n}")
    return get_user_model().objects.create_user(email or f"person{n}@example.org", **fields)


def make_programme(
    name: str = "Leeds Befriending", centre: tuple[float, float] = LEEDS, **fields: Any
) -> Programme:
    fields = {
        "country": "GB",
        "time_zone": "Europe/London",
        "radius_km": 40,
        "languages": "en",
        **fields,
    }
    return Programme.objects.create(name=name, centre_lat=centre[0], centre_lon=centre[1], **fields)


def make_coordinator(programme: Programme, user: Any = None) -> Any:
    user = user or make_user(first_name="Cora")
    Coordinator.objects.create(programme=programme, user=user)
    return user


def _profile(programme: Programme, fields: dict[str, Any]) -> dict[str, Any]:
    n = next(_serial)
    defaults = {
        "external_id": f"P{n:05d}",
        "first_name": f"Sam{n}",
        "town": "Leeds",
        "lat": programme.centre_lat,
        "lon": programme.centre_lon,
        "speaks": "en:fluent",
        "availability": "mon-eve;sat-am",
        "waiting_since": dt.date(2026, 1, 1),
    }
    return {**defaults, **fields}


def _contact(fields: dict[str, Any]) -> dict[str, str]:
    """Pop the contact fields out of ``fields``: the privacy app stores them, not the person."""
    n = next(_serial)
    return {
        # Ofcom's range for drama in Leeds: valid numbers that ring nobody.
        "phone": fields.pop("phone", f"+44 113 496 0{n % 1000:03d}"),
        "address": fields.pop("address", f"{n} Example Street"),
    }


def contact_of(person: Volunteer | Household) -> dict[str, str]:
    """A person's stored e-mail, phone and address, read as the person themselves (not logged)."""
    owner = person.user if isinstance(person, Volunteer) else person.members.first().user
    return contact_details_read(viewer=owner, person=person, fields=CONTACT_FIELDS, reason="test")


def make_volunteer(
    programme: Programme, *, user: Any = None, state: str = "active", **fields: Any
) -> Volunteer:
    contact = _contact(fields)
    volunteer = Volunteer.objects.create(
        programme=programme, user=user, state=state, **_profile(programme, fields)
    )
    contact_details_write(person=volunteer, **contact)
    Consent.objects.create(volunteer=volunteer, user=user, method="online", given_at=timezone.now())
    return volunteer


def make_household(
    programme: Programme, *, users: tuple[Any, ...] = (), state: str = "active", **fields: Any
) -> Household:
    fields.setdefault("visit_places", "home")
    contact = _contact(fields)
    household = Household.objects.create(
        programme=programme, state=state, **_profile(programme, fields)
    )
    contact_details_write(person=household, **contact)
    for user in users:
        HouseholdMember.objects.create(household=household, user=user)
    Consent.objects.create(
        household=household,
        user=users[0] if users else None,
        method="online",
        given_at=timezone.now(),
    )
    return household


def otp_force_login(client: Any, user: Any) -> None:
    """Sign a site administrator in as if they had passed two-factor authentication."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test"}
    )
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def make_proposal(
    volunteer: Volunteer, household: Household, *, days: int = 10, **fields: Any
) -> Any:
    """An open proposal sent now, answerable for ``days`` days."""
    from kinfolk.pairings.models import Proposal

    now = timezone.now()
    defaults = {
        "programme": volunteer.programme,
        "distance_km": 3.2,
        "sent_at": now,
        "answer_by": now + dt.timedelta(days=days),
        "nudge_at": now + dt.timedelta(days=days / 2),
        "explanation": {
            "shared_languages": ["en"],
            "exchange_languages": ["pl"],
            "common_slots": ["mon-eve", "sat-am"],
        },
    }
    return Proposal.objects.create(
        volunteer=volunteer, household=household, **{**defaults, **fields}
    )


def make_pairing(volunteer: Volunteer, household: Household, **fields: Any) -> Any:
    from kinfolk.pairings.models import Pairing

    fields.setdefault("started_on", dt.date(2026, 6, 1))
    return Pairing.objects.create(
        programme=volunteer.programme, volunteer=volunteer, household=household, **fields
    )


def make_visit(pairing: Any, **fields: Any) -> Any:
    """A visit window of the pairing: by default this week's, hosted by the household."""
    from kinfolk.visits.models import Visit

    today = timezone.localdate()
    start = fields.pop("window_start", today - dt.timedelta(days=1))
    defaults = {
        "period": Visit.objects.filter(pairing=pairing).count(),
        "sequence": Visit.objects.filter(pairing=pairing).count() + 1,
        "window_start": start,
        "window_end": start + dt.timedelta(days=6),
        "host": "household",
    }
    return Visit.objects.create(pairing=pairing, **{**defaults, **fields})


def make_time(visit: Any, *, by: str = "volunteer", **fields: Any) -> Any:
    """An open time proposal inside the visit's window, by ``by``, tomorrow at 18:00 UTC."""
    from kinfolk.visits.models import TimeProposal

    day = max(visit.window_start, timezone.localdate() + dt.timedelta(days=1))
    fields.setdefault("starts_at", dt.datetime.combine(day, dt.time(18), dt.UTC))
    return TimeProposal.objects.create(visit=visit, proposed_by=by, **fields)


def make_cohort(
    programme: Programme, n: int = 4, prefix: str = ""
) -> tuple[list[Volunteer], list[Household]]:
    """``n`` volunteers and ``n`` households around Leeds who can all be paired."""
    volunteers = [
        make_volunteer(
            programme,
            user=make_user(),
            external_id=f"{prefix}V{i}",
            first_name=f"Vol{i}",
            lat=53.80 + i * 0.01,
        )
        for i in range(n)
    ]
    households = [
        make_household(
            programme,
            users=(make_user(),),
            external_id=f"{prefix}H{i}",
            first_name=f"Home{i}",
            lat=53.80 + i * 0.01,
        )
        for i in range(n)
    ]
    return volunteers, households


def run_started(programme: Programme, by: Any, capture: Any, **kwargs: Any) -> Any:
    """A run started through the service and run to the end by the immediate task backend."""
    with capture(execute=True):
        from kinfolk.pairings import review

        run = review.run_start(programme=programme, by=by, **kwargs)
    run.refresh_from_db()
    return run


_CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def without_csrf(page: bytes) -> bytes:
    """``page`` with its CSRF tokens blanked: every response has new ones (the language picker)."""
    return _CSRF_VALUE.sub(b'name="csrfmiddlewaretoken" value=""', page)


def uses_database(request: Any) -> bool:
    """Whether the pytest test behind ``request`` may touch the database; if so, open it now.

    Without ``REDIS_URL`` the cache is a database table, so a fixture that clears the
    cache around every test must skip the tests that have no database, and must have
    the database open before it runs (an autouse fixture runs before the test's own).
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not {"db", "transactional_db"} & names:
        return False
    wants_transactions = "transactional_db" in names or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    request.getfixturevalue("transactional_db" if wants_transactions else "db")
    return True
