"""The engine's field errors, worded in the reader's language.

The engine cannot import Django, so it raises :class:`~kinfolk.engine.dictionary.FieldError`
with a code and parameters; every page, form and import report words it here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from kinfolk.engine import dictionary as dd

_WORDS = {
    "language_unknown": gettext_lazy(
        "“%(value)s” is not a known language tag (for example en, sw, zh-Hans)"
    ),
    "level_missing": gettext_lazy("“%(value)s” needs a level, as in en:fluent"),
    "level_unknown": gettext_lazy("“%(value)s” is not a level; use one of %(choices)s"),
    "language_repeated": gettext_lazy("“%(value)s” is listed twice"),
    "slot_unknown": gettext_lazy(
        "“%(value)s” is not a weekly slot; use day-part such as mon-am, tue-pm, sat-eve"
    ),
    "condition_unknown": gettext_lazy("“%(value)s” is not a condition; use one of %(choices)s"),
    "choice_unknown": gettext_lazy("“%(value)s” is not allowed; use one of %(choices)s"),
    "date_invalid": gettext_lazy("“%(value)s” is not a date in the form YYYY-MM-DD"),
    "range_reversed": gettext_lazy("the range %(value)s ends before it starts"),
    "degrees_invalid": gettext_lazy("“%(value)s” is not a number of degrees"),
    "degrees_outside": gettext_lazy("%(value)s is outside -%(limit)s..%(limit)s degrees"),
    "km_invalid": gettext_lazy("“%(value)s” is not a number of kilometres"),
    "km_outside": gettext_lazy("%(value)s km is outside 0..1000"),
    "languages_too_many": gettext_lazy(
        "“%(value)s” would be language %(limit_plus_one)s; one run supports %(limit)s"
    ),
    "speaks_empty": gettext_lazy("is empty; give at least one language, as in en:fluent"),
    "availability_empty": gettext_lazy("is empty; give at least one slot, as in sat-am"),
}


def field_error_text(error: dd.FieldError) -> str:
    """What ``error`` means, in the active language (its English message for an unknown code)."""
    words = _WORDS.get(error.code)
    if words is None:
        return error.message
    return str(words) % error.params if error.params else str(words)
