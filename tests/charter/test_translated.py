"""Every participant reads Kinfolk in their own language: Arabic and Simplified Chinese.

Three checks share the walk of ``translations.py``:

- no participant page, opened in Arabic, still shows a common English word
  (outside what people typed: names and places are isolated in ``<bdi>``);
- every message id those pages look up has an Arabic and a Chinese
  translation (so the Chinese pages, which no word list can check, are
  complete too), and no catalogue entry is fuzzy;
- the compiled ``.mo`` files in the repository match their ``.po`` files.

The messages a participant receives are checked in the same way, and go out
in the recipient's language whoever triggers them.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import translation

import kinfolk
from kinfolk.outbox.models import Message
from kinfolk.people.services.coordination import consent_withdraw_record
from kinfolk.people.services.participation import participant_pause
from kinfolk.testing import make_pairing
from tests.charter.translations import catalogue_read, msgids_recorded, participant_pages

LOCALE = Path(kinfolk.__file__).parent / "locale"
CATALOGUES = ("ar", "zh_Hans")

#: Words that give away an English sentence.  Short and common on purpose: any
#: untranslated sentence of a page contains at least one of them.
ENGLISH = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "your",
        "you",
        "we",
        "our",
        "is",
        "are",
        "was",
        "be",
        "not",
        "no",
        "yes",
        "this",
        "that",
        "it",
        "what",
        "when",
        "where",
        "who",
        "how",
        "visit",
        "visits",
        "pairing",
        "household",
        "volunteer",
        "programme",
        "save",
        "cancel",
        "change",
        "sign",
        "page",
        "profile",
        "data",
        "please",
        "answer",
        "time",
        "times",
        "here",
        "back",
        "home",
        "language",
        "proposal",
        "accept",
        "decline",
        "pause",
        "resume",
        "leave",
        "record",
        "feedback",
        "send",
    }
)
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
#: Text that is not ours to translate: what people typed (``bdi``), input formats, hidden parts.
SKIPPED = {"bdi", "code", "script", "style", "textarea", "option"}
#: Where no markup can go (the page title), what people typed is isolated between FSI and PDI.
_ISOLATED = re.compile("\u2068[^\u2069]*\u2069")


class _OurWords(HTMLParser):
    """The visible text Kinfolk itself wrote: no attributes, no ``SKIPPED`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in SKIPPED:
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(_ISOLATED.sub(" ", data))


def english_left(page: str) -> list[str]:
    """The words of ``ENGLISH`` in the text Kinfolk wrote on ``page``."""
    parser = _OurWords()
    parser.feed(page)
    return [w for w in _WORD.findall(" ".join(parser.parts)) if w.lower() in ENGLISH]


def untranslated(msgids: set[tuple[str, str]], language: str) -> list[str]:
    """The message ids of ``msgids`` that are Kinfolk's and lack a ``language`` translation.

    Ids that are not in Kinfolk's catalogue belong to Django or a library,
    which translate their own.
    """
    entries = catalogue_read(LOCALE / language / "LC_MESSAGES" / "django.po")
    return [
        f"{context}|{msgid}" if context else msgid
        for context, msgid in sorted(msgids)
        if entries.get((context, msgid)) is False
    ]


def test_the_scan_finds_english_but_not_names_codes_or_arabic():
    page = (
        "<h1>زياراتك</h1><p>مع <bdi>The Old Mill</bdi></p><code>en:fluent</code>"
        '<input value="Save"><p>Please answer</p>'
    )
    assert english_left(page) == ["Please", "answer"]


def test_the_scan_reads_the_title_but_not_the_names_isolated_in_it():
    page = "<title>\u2068The Old Mill\u2069 · Your visits</title><h1>زياراتك</h1>"
    assert english_left(page) == ["Your", "visits"]


@pytest.mark.parametrize("state", ["proposal_open", "active"])
def test_no_participant_page_in_arabic_shows_english(db, state):
    with msgids_recorded() as seen:
        found = [
            f"{url} as the {key}: {', '.join(sorted(set(words)))}"
            for key, url, page in participant_pages(state, "ar")
            if (words := english_left(page))
        ]
    assert found == [], "English words on Arabic pages:\n" + "\n".join(found)
    # The same walk: every message id it looked up is in both catalogues.
    for language in CATALOGUES:
        missing = untranslated(seen, language)
        assert missing == [], f"not translated into {language}:\n" + "\n".join(missing)


def test_no_catalogue_entry_is_fuzzy():
    for name in CATALOGUES:
        text = (LOCALE / name / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        assert not re.search(r"^#,.*\bfuzzy\b", text, re.M), f"{name} has fuzzy entries"


def test_the_compiled_catalogues_match_their_sources(tmp_path):
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (msgfmt) is needed in CI to check the .mo files")
        pytest.skip("GNU gettext (msgfmt) is not installed")
    for name in CATALOGUES:
        folder = LOCALE / name / "LC_MESSAGES"
        fresh = tmp_path / f"{name}.mo"
        subprocess.run(
            ["msgfmt", "--check", "-o", str(fresh), str(folder / "django.po")], check=True
        )
        with open(fresh, "rb") as new, open(folder / "django.mo", "rb") as committed:
            assert gettext.GNUTranslations(new)._catalog == (
                gettext.GNUTranslations(committed)._catalog
            ), f"{name}: run scripts/translations compile and commit django.mo"


def test_messages_go_out_in_the_recipients_language_whoever_triggers_them(
    programme, coordinator, volunteer, household, volunteer_user, household_user,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    volunteer_user.language, household_user.language = "ar", "zh-hans"
    volunteer_user.save(update_fields=["language"])
    household_user.save(update_fields=["language"])
    make_pairing(volunteer, household)
    with translation.override("en"), msgids_recorded() as seen:
        with django_capture_on_commit_callbacks(execute=True):
            participant_pause(person=household)  # the volunteer is told "paused for now"
        with django_capture_on_commit_callbacks(execute=True):
            consent_withdraw_record(person=household, recorded_by=coordinator)
    assert untranslated(seen, "ar") == [] and untranslated(seen, "zh_Hans") == []
    to_volunteer = Message.objects.filter(to=volunteer_user.email)
    to_household = Message.objects.filter(to=household_user.email)
    assert to_volunteer.exists() and to_household.exists()
    for message in to_volunteer:
        assert re.search("[\u0600-\u06ff]", message.subject + message.body), message.subject
        assert message.language == "ar"
    for message in to_household:
        assert re.search("[\u4e00-\u9fff]", message.subject + message.body), message.subject
