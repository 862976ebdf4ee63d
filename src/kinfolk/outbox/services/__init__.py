"""Every write to the outbox: queueing messages (``queue``), delivering them (``delivery``)."""

from kinfolk.outbox.services.delivery import MAX_ATTEMPTS, backoff, outbox_deliver
from kinfolk.outbox.services.queue import (
    delivery_on_commit,
    email_new,
    email_queue,
    message_retry,
    messages_purge,
    messages_queue,
    sms_new,
    sms_queue,
)

__all__ = [
    "MAX_ATTEMPTS",
    "backoff",
    "delivery_on_commit",
    "email_new",
    "email_queue",
    "message_retry",
    "messages_purge",
    "messages_queue",
    "outbox_deliver",
    "sms_new",
    "sms_queue",
]
