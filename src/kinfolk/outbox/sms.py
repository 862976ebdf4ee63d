"""Text messages through a small pluggable backend, chosen by ``settings.SMS_BACKEND``.

``console`` prints each message, ``file`` appends it as one JSON line to
``settings.SMS_FILE_PATH``; a real provider is a class with a
``send(messages)`` method named by its dotted path.  Only the outbox sends
through these: every other module queues an outbox row instead.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str
    #: The outbox row's stable id: a provider that deduplicates can use it as its key.
    message_id: str = ""


class SmsBackend(Protocol):
    def send(self, messages: Sequence[TextMessage]) -> int: ...


class ConsoleBackend:
    def send(self, messages: Sequence[TextMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return len(messages)


class FileBackend:
    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, messages: Sequence[TextMessage]) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            for message in messages:
                out.write(json.dumps(asdict(message), ensure_ascii=False) + "\n")
        return len(messages)


class NullBackend:
    """Sends nothing (benchmarks)."""

    def send(self, messages: Sequence[TextMessage]) -> int:
        return len(messages)


_NAMED = {"console": ConsoleBackend, "file": FileBackend, "null": NullBackend}


def backend() -> SmsBackend:
    """The configured backend; an unknown name fails loudly."""
    name = settings.SMS_BACKEND
    cls = _NAMED.get(name) or import_string(name)
    return cls()  # type: ignore[no-any-return]


def read_file(path: str | None = None) -> list[TextMessage]:
    """Messages the file backend wrote (tests, the demo)."""
    target = Path(path or settings.SMS_FILE_PATH)
    if not target.exists():
        return []
    lines = target.read_text(encoding="utf-8").splitlines()
    return [TextMessage(**json.loads(line)) for line in lines if line]
