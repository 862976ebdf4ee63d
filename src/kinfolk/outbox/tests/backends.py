"""E-mail backends for the crash tests: they accept some messages, then fail or crash."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from typing import Any

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend


class Crash(BaseException):
    """Stands for the process dying mid-send: nothing after it runs, no handler catches it."""


class FailAfter(EmailBackend):
    """Accepts ``limit`` messages in all (counted in ``mail.outbox``), then raises ``error``.

    Tests set the class attributes; ``Crash`` makes it a crash, an ordinary
    exception makes it a failure the outbox retries.
    """

    limit = 0
    error: type[BaseException] = ConnectionError

    def send_messages(self, messages: Sequence[Any]) -> int:
        if len(mail.outbox) >= type(self).limit:
            raise type(self).error("the mail server went away")
        return int(super().send_messages(messages))


class RefusesRecipient(EmailBackend):
    """Refuses every message, quoting its recipients as SMTP servers do."""

    def send_messages(self, messages: Sequence[Any]) -> int:
        raise ValueError(f"{messages[0].to[0]} refused: mailbox unavailable")


class SlowFileBackend(BaseEmailBackend):
    """A slow mail server that records what it received, for tests that kill the sender.

    Each message takes ``KINFOLK_TEST_DELAY`` seconds, then is written as a
    JSON line to ``KINFOLK_TEST_SENT`` and flushed to disk before the send
    returns: a line is a message the server accepted.
    """

    def send_messages(self, messages: Sequence[Any]) -> int:
        path = os.environ["KINFOLK_TEST_SENT"]
        delay = float(os.environ.get("KINFOLK_TEST_DELAY", "0"))
        for message in messages:
            time.sleep(delay)
            line = {"to": message.to[0], "message_id": message.extra_headers["Message-ID"]}
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
                out.flush()
                os.fsync(out.fileno())
        return len(messages)
