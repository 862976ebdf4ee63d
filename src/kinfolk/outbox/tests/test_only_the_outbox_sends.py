"""Only the outbox sends: no other module may hand a message to the mail or SMS backends.

Everything else queues an outbox row in the transaction of its change, so
that no message is lost to a crash and none is sent for a change that
rolled back.  The sweep reads every module's syntax tree; the root
``conftest.py`` adds a second line at run time (every e-mail a test sends
must carry an outbox Message-ID).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kinfolk

SOURCE = Path(kinfolk.__file__).resolve().parent
OUTBOX = SOURCE / "outbox"
#: Modules that hand messages to a backend, and the names that do it.
MAIL_MODULES = {"django.core.mail", "kinfolk.outbox.sms"}
SENDING_NAMES = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "send_messages",
}


def direct_sends(source: str) -> list[str]:
    """What in this module's source sends mail or SMS without the outbox (empty if nothing)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported = {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
            if imported & MAIL_MODULES:
                found.append(f"line {node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MAIL_MODULES:
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in SENDING_NAMES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in SENDING_NAMES:
            found.append(f"line {node.lineno}: {node.id}")
    return found


def _modules() -> list[Path]:
    return [
        path
        for path in SOURCE.rglob("*.py")
        if OUTBOX not in path.parents
        and "tests" not in path.parts
        and "migrations" not in path.parts
    ]


def test_no_module_outside_the_outbox_sends_mail_or_sms_directly():
    offenders = {
        str(path.relative_to(SOURCE)): found
        for path in _modules()
        if (found := direct_sends(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "queue an outbox row instead (kinfolk.outbox.services)"


def test_the_sweep_reads_the_modules_that_write_messages():
    names = {str(path.relative_to(SOURCE)) for path in _modules()}
    assert {"pairings/notify.py", "people/emails.py", "visits/services/reminders.py"} <= names


@pytest.mark.parametrize(
    "source",
    [
        "from django.core.mail import send_mail",
        "from django.core import mail\nmail.send_mail('s', 'b', None, ['a@b'])",
        "import django.core.mail",
        "from kinfolk.outbox import sms\nsms.backend().send([])",
        "from kinfolk.outbox.sms import backend",
        "from django.core.mail import get_connection",
        "EmailMultiAlternatives('s', 'b').send()",
    ],
)
def test_the_sweep_catches_each_way_of_sending(source):
    assert direct_sends(source)


def test_the_sweep_lets_queueing_through():
    source = "from kinfolk.outbox.services import email_queue\nemail_queue(to='a@b', body='b')"
    assert direct_sends(source) == []
