"""Background jobs of outcome reports: each takes ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from kinfolk.reports import keeping


@task()
def report_build_task(stored_id: int) -> None:
    """Build a scope's first report now rather than at the next tick."""
    keeping.report_rebuild(stored_id=stored_id)
