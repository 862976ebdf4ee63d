"""Background jobs of accounts: each takes ids and calls one service."""

from __future__ import annotations

from django_tasks import task

from kinfolk.accounts.services import passwords


@task()
def password_link_deliver_task(user_id: int | None, sent_by_id: int | None = None) -> None:
    passwords.password_link_deliver(user_id=user_id, sent_by_id=sent_by_id)
