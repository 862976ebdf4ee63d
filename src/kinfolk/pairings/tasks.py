"""Background jobs of pairings: each takes ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from kinfolk.pairings import importing, review


@task()
def matching_run_execute_task(run_id: int) -> None:
    review.run_execute(run_id=run_id)


@task()
def pairings_import_settle_task(import_id: int) -> None:
    importing.pairings_import_settle(import_id=import_id)
