"""What the database benchmarks share: Django set-up, timed stages, the table, a rollback."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Stages = list[tuple[str, float, str]]


class Rollback(Exception):
    """Raised inside the benchmark's transaction so that it leaves the database as it was."""


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfolk.web.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    # The table is the output; one log line per request would bury it.
    os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def stage(stages: Stages, name: str, note: str = "") -> Iterator[None]:
    start = time.perf_counter()
    yield
    stages.append((name, time.perf_counter() - start, note))
    print(f"  {name}: {stages[-1][1]:.2f} s", file=sys.stderr, flush=True)


def table(stages: Stages) -> str:
    lines = [f"{'stage':<44} {'seconds':>9}  note", "-" * 76]
    lines += [f"{name:<44} {seconds:>9.2f}  {note}" for name, seconds, note in stages]
    return "\n".join(lines)


def people_insert(
    n: int, *, seed: int, today: dt.date | None, stages: Stages, name: str
) -> tuple[Any, list[Any], list[Any], Any]:
    """A programme of ``n`` active volunteers and ``n`` active households, each with an account.

    Returns the programme, its volunteers, its households and one more account, free for a
    coordinator.
    """
    from django.contrib.auth import get_user_model

    from kinfolk.engine import synth
    from kinfolk.people.columns import participant_fields
    from kinfolk.people.models import Household, HouseholdMember, Volunteer
    from kinfolk.programmes.models import Programme

    with stage(stages, "setup: synthetic people (engine.synth)"):
        people = synth.generate(n, n, country="GB", seed=seed, today=today)
        volunteers, households = people.volunteers.to_records(), people.households.to_records()
    with stage(stages, "setup: insert people and accounts", f"{4 * n:,} rows"):
        programme = Programme.objects.create(
            name=f"{name} {time.time():.0f}",
            country="GB",
            centre_lat=54.3,
            centre_lon=-2.3,
            radius_km=700,
        )
        User = get_user_model()
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench-{programme.pk}-{i}@example.invalid", first_name="B", password="!"
                )
                for i in range(2 * n + 1)
            ],
            batch_size=5000,
        )
        vs = Volunteer.objects.bulk_create(
            [
                Volunteer(
                    programme=programme, state="active", user=users[i], **participant_fields(r)
                )
                for i, r in enumerate(volunteers)
            ],
            batch_size=5000,
        )
        hs = Household.objects.bulk_create(
            [
                Household(programme=programme, state="active", **participant_fields(r))
                for r in households
            ],
            batch_size=5000,
        )
        HouseholdMember.objects.bulk_create(
            [HouseholdMember(household=h, user=users[n + i]) for i, h in enumerate(hs)],
            batch_size=5000,
        )
    return programme, vs, hs, users[-1]
