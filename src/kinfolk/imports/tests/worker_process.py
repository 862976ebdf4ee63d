"""Steps of the import kill -9 test that need the site's own settings, each its own process.

python -m kinfolk.imports.tests.worker_process seed 20000  # tables, a checked import, queued
python -m kinfolk.imports.tests.worker_process again IMPORT # set back, commit in this process
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinfolk.web.settings")
    import django

    django.setup()


def seed(size: int) -> dict[str, Any]:
    """A programme, a coordinator and an import of ``size`` households, checked, commit queued."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from kinfolk.imports import running, services
    from kinfolk.imports.synthetic import households_csv
    from kinfolk.programmes.models import Coordinator, Programme

    call_command("migrate", verbosity=0)
    programme = Programme.objects.create(
        name="Kill test", country="GB", centre_lat=54.3, centre_lon=-2.3, radius_km=700
    )
    coordinator = get_user_model().objects.create_user("cora@example.org", first_name="Cora")
    Coordinator.objects.create(programme=programme, user=coordinator)
    data, _bad = households_csv(size, seed=3)
    made = services.import_upload(
        programme=programme, side="household", filename="h.csv", data=data, by=coordinator
    )
    services.import_map(people_import=made, mapping=made.mapping, by=coordinator)
    running.import_preview(import_id=made.pk)  # here, not in the worker: the test kills a commit
    services.import_commit_start(people_import=made, by=coordinator)  # queued for the worker
    return {"programme": programme.pk, "import": made.pk}


def again(import_id: int) -> dict[str, Any]:
    """What happens after the kill: the import is set back, then committed again."""
    from django.utils import timezone

    from kinfolk.imports import running, services
    from kinfolk.imports.models import PeopleImport

    later = timezone.now() + dt.timedelta(hours=1)
    reset = services.imports_stale_reset(now=later)
    made = PeopleImport.objects.get(pk=import_id)
    after_reset = made.status
    services.import_commit_start(people_import=made, by=made.created_by)
    running.import_commit(import_id=import_id)
    made.refresh_from_db()
    return {"reset": reset, "after_reset": after_reset, "status": made.status, "new": made.new}


def main(argv: list[str]) -> None:
    _setup()
    command, number = argv
    step = seed if command == "seed" else again
    print(json.dumps(step(int(number))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
