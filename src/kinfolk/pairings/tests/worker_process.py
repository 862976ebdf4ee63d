"""Steps of the kill -9 test that need the site's own settings, each run as its own process.

The test drives a real worker on a real database (a file SQLite database or
PostgreSQL, from the environment), so it cannot use the test database of
the process that runs pytest.  Each command prints one JSON line:

    python -m kinfolk.pairings.tests.worker_process seed 6000    # tables, people, a queued run
    python -m kinfolk.pairings.tests.worker_process restart RUN  # discard RUN, start a new run
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfolk.web.settings")
    import django

    django.setup()


def seed(size: int) -> dict[str, Any]:
    """The site's tables, a programme of ``size`` active volunteers and households, a queued run."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from kinfolk.engine import synth
    from kinfolk.pairings import review
    from kinfolk.people.columns import participant_fields
    from kinfolk.people.models import Household, Volunteer
    from kinfolk.programmes.models import Coordinator, Programme

    call_command("migrate", verbosity=0)
    people = synth.generate(size, size, country="GB", seed=3)
    programme = Programme.objects.create(
        name="Kill test", country="GB", centre_lat=54.3, centre_lon=-2.3, radius_km=700
    )
    coordinator = get_user_model().objects.create_user("cora@example.org", first_name="Cora")
    Coordinator.objects.create(programme=programme, user=coordinator)
    for model, records in (
        (Volunteer, people.volunteers.to_records()),
        (Household, people.households.to_records()),
    ):
        model.objects.bulk_create(
            [model(programme=programme, state="active", **participant_fields(r)) for r in records],
            batch_size=5000,
        )
    run = review.run_start(programme=programme, by=coordinator)  # queued once this commits
    return {"programme": programme.pk, "run": run.pk}


def restart(run_id: int) -> dict[str, Any]:
    """What the coordinator does next: discard the failed run and start a new one.

    The new run pairs one town only, so that the test can watch it finish quickly.
    """
    from kinfolk.pairings import review
    from kinfolk.pairings.models import MatchingRun

    old = MatchingRun.objects.select_related("programme", "started_by").get(pk=run_id)
    review.run_discard(run=old)
    town = old.programme.volunteers.order_by("pk").values_list("town", flat=True)[0]
    new = review.run_start(programme=old.programme, by=old.started_by, town=town)
    return {"discarded": old.pk, "run": new.pk}


def main(argv: list[str]) -> None:
    _setup()
    command, number = argv
    step = seed if command == "seed" else restart
    print(json.dumps(step(int(number))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
