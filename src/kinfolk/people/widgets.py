"""The languages-spoken picker: rows of a language and a level instead of typed tags.

The field still holds the data dictionary's text (``en:fluent;pl:basic``), and
a form post that sends that text as one value (as an API or a test may) is
read as it is.
"""

from __future__ import annotations

from typing import Any

import langcodes
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kinfolk.engine import dictionary as dd

ROWS = 4
#: Offered in every programme, after the programme's own languages; a tag a
#: person already has is offered too, so nothing stored is ever hidden.
COMMON_LANGUAGES = (
    "am", "ar", "bg", "bn", "cs", "cy", "de", "el", "en", "es", "fa", "fr", "ga", "gd", "gu",
    "ha", "he", "hi", "hu", "id", "ig", "it", "ja", "km", "ko", "ku", "lt", "lv", "ms", "my",
    "ne", "nl", "pa", "pl", "ps", "pt", "ro", "ru", "si", "sk", "so", "sq", "sv", "sw", "ta",
    "th", "ti", "tl", "tr", "uk", "ur", "vi", "yo", "zh-Hans", "zh-Hant",
)  # fmt: skip
LEVEL_CHOICES = [("", _("level")), *[(lv, _(lv)) for lv in dd.LEVELS]]


def language_choices(first: tuple[str, ...], also: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(tag, name in the reader's language): the programme's languages, then the rest by name."""
    reader = get_language() or "en"

    def name(tag: str) -> str:
        return str(langcodes.Language.get(tag).display_name(reader))

    rest = sorted(set(COMMON_LANGUAGES) | set(also) - set(first), key=name)
    return [("", _("language")), *[(t, name(t)) for t in (*first, *rest)]]


class LanguageRowsWidget(forms.MultiWidget):
    """Rows of a language select, each with a level select when ``levels`` is true."""

    template_name = "people/widgets/language_rows.html"

    def __init__(self, *, rows: int = ROWS, levels: bool = True) -> None:
        self.first_languages: tuple[str, ...] = ()
        self.per_row = 2 if levels else 1
        widgets: list[forms.Widget] = []
        for i in range(rows):
            number = {"n": i + 1}
            widgets.append(forms.Select(attrs={"aria-label": _("Language %(n)s") % number}))
            if levels:
                label = _("Level %(n)s") % number
                widgets.append(forms.Select(choices=LEVEL_CHOICES, attrs={"aria-label": label}))
        super().__init__(widgets)

    def _parse(self, value: str) -> list[str]:
        if self.per_row == 2:
            return [part for pair in dd.parse_speaks(value) for part in pair]
        return list(dd.parse_languages(value))

    def decompress(self, value: str | None) -> list[str]:
        try:
            flat = self._parse(value or "")[: len(self.widgets)]
        except dd.FieldError:
            flat = []
        return flat + [""] * (len(self.widgets) - len(flat))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        values = value if isinstance(value, list) else self.decompress(value)
        tags = values[:: self.per_row]
        choices = language_choices(self.first_languages, tuple(v for v in tags if v))
        for select in self.widgets[:: self.per_row]:
            select.choices = choices
        context = super().get_context(name, values, attrs)
        context["widget"]["per_row"] = self.per_row
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:  # the dictionary's text in one value
            return data[name]
        return super().value_from_datadict(data, files, name)


class SpeaksField(forms.CharField):
    """Rows of (language, level) joined into the dictionary's text; a language needs a level."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=LanguageRowsWidget(levels=True), **kwargs)

    def to_python(self, value: Any) -> str:
        if not isinstance(value, list):
            return super().to_python(value)
        rows = [(tag, level) for tag, level in zip(value[::2], value[1::2], strict=True) if tag]
        missing = [tag for tag, level in rows if not level]
        if missing:
            raise forms.ValidationError(
                _("Choose how well you speak %(language)s.") % {"language": ", ".join(missing)}
            )
        return ";".join(f"{tag}:{level}" for tag, level in rows)


class LanguagesField(forms.CharField):
    """Rows of a language joined into the dictionary's text (``fr;ar``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=LanguageRowsWidget(rows=3, levels=False), **kwargs)

    def to_python(self, value: Any) -> str:
        if not isinstance(value, list):
            return super().to_python(value)
        return ";".join(tag for tag in value if tag)
