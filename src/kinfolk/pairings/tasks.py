"""Background jobs of pairings: each takes ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from kinfolk.pairings import review


@task()
def matching_run_execute_task(run_id: int) -> None:
    review.run_execute(run_id=run_id)
