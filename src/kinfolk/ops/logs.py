"""Structured logs: one JSON object a line, each with its request id, and no personal data.

``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID``
when it sent a sane one), returns it in the response, and logs one line per
request with the URL's *route* (``p/<int:programme_id>/volunteers/``), never
its path or query: a path can carry a token and a search can carry an
e-mail address.  ``PersonalDataFilter`` masks e-mail addresses and phone
numbers in every message whatever logged them, as a second line of defence.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A number as people write phones: starting with + or 0, nine digits or more, spaces,
# dashes and brackets allowed.  Dates and durations do not start that way.
_PHONE = re.compile(r"(?<![\w.-])(?:\+|0)\(?\d[\d ()-]{7,}\d")
_STANDARD = set(vars(logging.makeLogRecord({})))

request_log = logging.getLogger("kinfolk.requests")


def mask(text: str) -> str:
    """``text`` with e-mail addresses and phone-like numbers replaced by placeholders."""
    return _PHONE.sub("<number>", _EMAIL.sub("<email>", text))


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (``-`` outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class PersonalDataFilter(logging.Filter):
    """Masks e-mail addresses and phone numbers in the message, its arguments and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = mask(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and k != "request_id"}
        )
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, default=str)

    converter = time.gmtime


class RequestIdMiddleware:
    """Gives each request an id, answers with it, and logs the request's route and timing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _SANE_ID.match(sent) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        begin = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            match = request.resolver_match
            request_log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": "/" + match.route if match else "(no route)",
                    "view": match.view_name if match else "",
                    "status": response.status_code,
                    "ms": round(1000 * (time.perf_counter() - begin), 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
