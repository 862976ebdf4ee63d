"""The e-mails the accounts app sends: each composed by one function, sent from one place.

Composing returns (subject, body) and knows nothing of delivery, so that the
outbox can take over sending without touching the words.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _validity() -> str:
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    if hours % 24 == 0:
        days = hours // 24
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def password_link_message(*, first_name: str, link: str, sent_by: str = "") -> tuple[str, str]:
    """A link to choose a new password: asked for by the person, or sent by ``sent_by``."""
    if sent_by:
        opening = _("%(sender)s has sent you a link to choose a new password for Kinfolk.") % {
            "sender": sent_by
        }
    else:
        opening = _("Someone, we hope you, asked to choose a new password for Kinfolk.")
    body = _(
        "Hello %(name)s,\n\n"
        "%(opening)s Open this link to choose it; it works once, for %(validity)s:\n\n"
        "%(link)s\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is."
    ) % {"name": first_name, "opening": opening, "validity": _validity(), "link": link}
    return _("Choose a new password for Kinfolk"), body


def password_link_text(*, first_name: str, link: str) -> str:
    """The text message that carries a password link to an account signing in by phone."""
    return _(
        "Hello %(name)s, open this link to choose a new password for Kinfolk "
        "(it works once, for %(validity)s): %(link)s  If you did not ask, ignore this message."
    ) % {"name": first_name, "validity": _validity(), "link": link}


def sms_send(*, user: Any, body: str, purpose: str) -> None:
    """Queue a text message to an account that signs in with its phone number."""
    from kinfolk.outbox.services import sms_queue

    sms_queue(
        to=user.phone,
        body=body,
        purpose=purpose,
        key=uuid.uuid4().hex,
        user=user,
        language=user.language,
    )


def email_send(*, user: Any, subject: str, body: str, purpose: str) -> None:
    """The one place the accounts app queues an e-mail to an account, through the outbox."""
    from kinfolk.outbox.services import email_queue

    email_queue(
        to=user.email,
        subject=subject,
        body=body,
        purpose=purpose,
        key=uuid.uuid4().hex,
        user=user,
        language=user.language,
    )
