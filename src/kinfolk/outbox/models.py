"""One row per message and recipient: what to send, to whom, why, and how delivery went."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def message_id_domain() -> str:
    """The right-hand side of our Message-IDs: the site's host name."""
    return urlsplit(settings.SITE_URL).hostname or "kinfolk.invalid"


def _new_message_id() -> str:
    """A Message-ID fixed when the row is made, so every send of the row carries the same one."""
    return f"<{uuid.uuid4().hex}.outbox@{message_id_domain()}>"


class Message(models.Model):
    """A message to one recipient, by one channel; the unique ``dedupe_key`` queues it once."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("text message")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        DROPPED = "dropped", _("dropped: no longer applies")

    channel = models.CharField(max_length=5, choices=Channel.choices)
    #: The e-mail address or phone number, copied when queued (the recipient's own).
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    language = models.CharField(max_length=16, blank=True)
    #: What kind of message this is ("proposal", "visit_reminder", …); purposes add checks.
    purpose = models.CharField(max_length=40)
    #: What the message is about, e.g. ("proposal", 12); lets pages count who was told.
    about_kind = models.CharField(max_length=20, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)
    #: Ids a purpose's check needs beyond ``about`` (a reminder's kind, a time's id, …).
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    #: The account the message goes to, when there is one: it must still be active.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: The participant it is for ("volunteer"/"household" and id): they must not have left.
    person_kind = models.CharField(max_length=10, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    message_id = models.CharField(max_length=200, default=_new_message_id)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="queued"),
                name="outbox_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="sending"), name="outbox_claimed"
            ),
            models.Index(fields=["claim"], name="outbox_claim"),
            models.Index(fields=["about_kind", "about_id"], name="outbox_about"),
            models.Index(fields=["state", "created_at"], name="outbox_state"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} by {self.channel} (#{self.pk}, {self.state})"
