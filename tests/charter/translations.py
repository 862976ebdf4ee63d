"""What a participant reads in another language: the pages the translation tests share.

``participant_pages`` opens every page of the walk (``pages.py``) as each
participant (volunteers and household adults, never staff), with their
account set to a language, plus the pages reached by a link (sign-up and
invitation).  ``msgids_recorded`` notes every message id looked up while
that happens, so a test can ask the catalogue for each.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kinfolk.people.models import Invitation
from tests.charter.pages import pages_walk, world_build

#: The walk's viewers who are participants (or nobody yet): the pages that must be translated.
PARTICIPANTS = (
    "volunteer",
    "household adult",
    "second household adult",
    "another volunteer",
    "another household",
    "another programme's volunteer",
    "stranger",
)


@contextlib.contextmanager
def msgids_recorded() -> Iterator[set[tuple[str, str]]]:
    """Every (context, msgid) looked up through Django's gettext while the block runs.

    Templates, forms and lazy strings all end in the functions of
    ``translation._trans``, so replacing those four sees every lookup.
    """
    seen: set[tuple[str, str]] = set()
    trans = translation._trans  # type: ignore[attr-defined]
    originals = {name: getattr(trans, name) for name in ("gettext", "ngettext", "pgettext")}
    originals["npgettext"] = trans.npgettext

    def gettext(message: str) -> str:
        seen.add(("", message))
        return originals["gettext"](message)

    def ngettext(singular: str, plural: str, number: int) -> str:
        seen.add(("", singular))
        return originals["ngettext"](singular, plural, number)

    def pgettext(context: str, message: str) -> str:
        seen.add((context, message))
        return originals["pgettext"](context, message)

    def npgettext(context: str, singular: str, plural: str, number: int) -> str:
        seen.add((context, singular))
        return originals["npgettext"](context, singular, plural, number)

    replaced = {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext}
    replaced["npgettext"] = npgettext
    for name, function in replaced.items():
        setattr(trans, name, function)
    try:
        yield seen
    finally:
        for name, function in originals.items():
            setattr(trans, name, function)


def participant_pages(state: str, language: str) -> Iterator[tuple[str, str, str]]:
    """(viewer key, url, page) for every page a participant opens, their account in ``language``."""
    world = world_build(state)
    world.viewers = {key: world.viewers[key] for key in PARTICIPANTS}
    for viewer in world.viewers.values():
        viewer.language = language
        viewer.save(update_fields=["language"])
    for key, _viewer, url, page in pages_walk(world, html_only=True):
        yield key, url, page
    yield from _link_pages(world, language)


def _link_pages(world: Any, language: str) -> Iterator[tuple[str, str, str]]:
    """The pages a link opens before there is an account: in the browser's language."""
    programme = world.rows["programme"][0]
    invitation = Invitation(
        programme=programme,
        role="household",
        email="newcomer@example.org",
        first_name="Nour",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    invitation.token_issue()
    invitation.save()
    urls = [
        reverse("people:signup", args=[programme.signup_token]),
        reverse("people:invitation_accept", args=[invitation.token]),
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_done"),
    ]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield "visitor", url, response.content.decode()


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def catalogue_read(path: Path) -> dict[tuple[str, str], bool]:
    """Each (context, msgid) of a ``.po`` file, and whether it has a translation.

    A small reader for the files ``makemessages`` writes: quoted strings,
    continued on the lines that follow, one entry per blank-line block.
    """
    entries: dict[tuple[str, str], bool] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                fields[current] += _unquote(line)
                continue
            current, _space, value = line.partition(" ")
            fields[current] = _unquote(value)
        if fields.get("msgid"):
            translations = [v for k, v in fields.items() if k.startswith("msgstr")]
            key = (fields.get("msgctxt", ""), fields["msgid"])
            entries[key] = bool(translations) and all(translations)
    return entries
