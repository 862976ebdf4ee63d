"""The content security policy forbids inline styles and scripts; no template may carry one."""

from __future__ import annotations

import re
from pathlib import Path

import kinfolk

SOURCE = Path(kinfolk.__file__).parent
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def _templates() -> list[Path]:
    return sorted(SOURCE.rglob("templates/**/*.html"))


def _markup(path: Path) -> str:
    """The template without its comments (a comment may name what it avoids)."""
    return TEMPLATE_COMMENT.sub("", path.read_text())


def test_templates_exist():
    assert len(_templates()) > 20


def test_no_template_has_an_inline_style_attribute():
    found = [str(p.relative_to(SOURCE)) for p in _templates() if STYLE_ATTRIBUTE.search(_markup(p))]
    assert found == []


def test_no_template_has_an_inline_script_style_element_or_event_handler():
    found = [
        str(p.relative_to(SOURCE))
        for p in _templates()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ELEMENT)
        if pattern.search(_markup(p))
    ]
    assert found == []
