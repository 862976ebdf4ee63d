"""Pages mirror in a right-to-left language: ``dir`` follows the language, the CSS is logical.

``<html dir>`` comes from the active language's direction (Django's
``LANGUAGE_BIDI``), so an Arabic page is laid out from the right.  For the
layout to mirror with it, the stylesheet names sides by their logical
position (``margin-inline-start``, ``text-align: start``), never ``left``
or ``right``; text people typed is isolated (``test_names_isolated``) and
typed into fields that find its direction (``dir="auto"``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kinfolk.people.forms import ProfileForm

STYLESHEET = Path(__file__).resolve().parents[2] / "src/kinfolk/static/kinfolk/kinfolk.css"

#: A side named physically: a margin, padding or border on the left or right (or the top
#: or bottom: block sides are written logically too), alignment or floating to a side.
PHYSICAL = re.compile(
    r"\b(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:top|bottom|left|right)\b"
    r"|\b(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
    r"|(?<![-\w])(?:left|right)\s*:"
)
#: A four-value margin or padding whose right and left differ: it would not mirror.
FOUR_SIDES = re.compile(r"\b(margin|padding)\s*:\s*([^;}]+)")


def _declarations() -> str:
    return re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(), flags=re.S)


def test_stylesheet_names_no_physical_side():
    found = [m.group(0) for m in PHYSICAL.finditer(_declarations())]
    assert found == [], f"use logical properties (inline-start/end, block-start/end): {found}"


def test_stylesheet_has_no_lopsided_four_value_shorthand():
    lopsided = []
    for match in FOUR_SIDES.finditer(_declarations()):
        values = match.group(2).split()
        if len(values) == 4 and values[1] != values[3]:
            lopsided.append(match.group(0))
    assert lopsided == [], f"write padding-inline / margin-inline instead: {lopsided}"


def test_the_check_finds_a_physical_side():
    """The guard above can fail: it catches each way of naming a side physically."""
    rules = "a { margin-left: 1rem } b { text-align: right } c { left: 0 } d { padding-top: 0 }"
    assert len(PHYSICAL.findall(rules)) == 4
    logical = "e { margin-inline-start: 1rem; text-align: start; inset-inline: 0 }"
    assert PHYSICAL.findall(logical) == []


@pytest.mark.parametrize(
    ("language", "direction"), [("ar", "rtl"), ("en", "ltr"), ("zh-hans", "ltr")]
)
def test_html_direction_follows_the_active_language(language, direction):
    with translation.override(language):
        page = render_to_string("base.html")
    assert f'dir="{direction}"' in page
    assert f'lang="{language}"' in page


def test_a_participant_page_asked_for_in_arabic_is_right_to_left(client, volunteer, volunteer_user):
    # With no language chosen on the account, the browser's language decides.
    volunteer_user.language = ""
    volunteer_user.save(update_fields=["language"])
    client.force_login(volunteer_user)
    url = reverse("people:volunteer_home", args=[volunteer.pk])
    arabic = client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<html lang="ar" dir="rtl">', arabic)
    assert re.search(r'<html lang="en" dir="ltr">', english)


def test_an_account_in_arabic_reads_right_to_left_whatever_the_browser(
    client, volunteer, volunteer_user
):
    volunteer_user.language = "ar"
    volunteer_user.save(update_fields=["language"])
    client.force_login(volunteer_user)
    url = reverse("people:volunteer_home", args=[volunteer.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<html lang="ar" dir="rtl">', page)


def test_free_text_fields_find_their_own_direction(programme):
    """A name typed in Arabic on an English page (or the reverse) lines up with its own script."""
    form = ProfileForm(programme=programme)
    typed = [
        name
        for name, field in form.fields.items()
        if getattr(field.widget, "input_type", None) in ("text", "search")
    ]
    assert typed, "the profile form has text fields to check"
    html = str(form)
    for name in typed:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert tag and 'dir="auto"' in tag.group(0), f"{name} has no dir=auto"
    for tag in re.findall(r"<textarea[^>]*>", html):
        assert 'dir="auto"' in tag
