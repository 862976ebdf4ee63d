"""Background jobs of the people import: each takes ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from kinfolk.imports import inviting, running


@task()
def import_preview_task(import_id: int) -> None:
    running.import_preview(import_id=import_id)


@task()
def import_commit_task(import_id: int) -> None:
    running.import_commit(import_id=import_id)


@task()
def invitations_send_task(import_id: int, by_id: int | None) -> None:
    inviting.invitations_send(import_id=import_id, by_id=by_id)
