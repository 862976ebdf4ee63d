"""Languages a programme may work in, by name (ISO 639-1, named by langcodes)."""

from __future__ import annotations

import string
from functools import lru_cache

import langcodes


@lru_cache(maxsize=1)
def language_tags() -> tuple[str, ...]:
    """Every two-letter ISO 639-1 language that langcodes can name."""
    tags = []
    for first in string.ascii_lowercase:
        for second in string.ascii_lowercase:
            language = langcodes.Language.get(first + second)
            if language.is_valid() and language.display_name() != first + second:
                tags.append(first + second)
    return tuple(tags)


@lru_cache(maxsize=16)
def language_choices(ui_language: str, extra: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(tag, name in the page's language) for every language, sorted by name.

    ``extra`` adds tags already stored (a regional tag such as ``pt-BR``, say)
    so that editing a programme never drops one of its languages.
    """
    tags = dict.fromkeys([*language_tags(), *extra])
    named = [(tag, langcodes.Language.get(tag).display_name(ui_language)) for tag in tags]
    return sorted(named, key=lambda choice: choice[1].casefold())
