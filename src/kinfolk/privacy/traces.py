"""Copies of a person's words in other rows, and how erasure removes them.

Most of what Kinfolk stores about a person hangs off their own rows, and
erasure deletes or blanks those directly (``kinfolk.privacy.erasure``).  A few
columns hold free text that may quote anyone: a message's body, a refused
import's problems, a failed job's error, a background task's arguments.
These columns are listed here, and erasure replaces every whole-word copy
of the person's strings in them.  The marker test
(``privacy/tests/test_erasure_markers.py``) searches every column of every
table, so a new column that copies a person's words fails it until it is
handled here or by the owning app.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

#: Shorter strings (initials, "Jo") are too common to replace safely in others' text.
MIN_LENGTH = 3
REPLACEMENT = "…"


@dataclass(frozen=True)
class Column:
    """A column of free text that may quote someone; ``delete`` drops the whole row instead."""

    model: str  # "app_label.ModelName"
    field: str
    delete: bool = False


#: Columns that may quote anyone, beside the rows erasure handles directly.
QUOTING_COLUMNS: list[Column] = [
    Column("outbox.Message", "to"),
    Column("outbox.Message", "subject"),
    Column("outbox.Message", "body"),
    Column("outbox.Message", "last_error"),
    Column("outbox.Message", "context"),
    Column("pairings.PairingImport", "problems_csv"),
    Column("pairings.MatchingRun", "summary"),
    Column("pairings.MatchingRun", "error"),
    Column("pairings.MatchingRun", "town"),
    Column("pairings.RunPair", "explanation"),
    Column("pairings.Proposal", "explanation"),
    Column("pairings.PairExclusion", "note"),
    Column("pairings.VisitorReport", "words"),
    Column("visits.Visit", "place_note"),
    Column("visits.Visit", "volunteer_words"),
    Column("visits.Visit", "household_words"),
    Column("visits.TimeProposal", "place_note"),
    Column("ticks.TickRun", "outcome"),
    Column("ticks.TickRun", "last_error"),
    # A task's arguments and result are the task's own business: a task that
    # quotes the person is deleted, not edited.
    Column("django_tasks_database.DBTaskResult", "args_kwargs", delete=True),
    Column("django_tasks_database.DBTaskResult", "return_value", delete=True),
    Column("django_tasks_database.DBTaskResult", "traceback", delete=True),
    # Sign-in attempts name the address typed; they go with it.
    Column("axes.AccessAttempt", "username", delete=True),
    Column("axes.AccessAttempt", "post_data", delete=True),
    Column("axes.AccessAttempt", "get_data", delete=True),
    Column("axes.AccessLog", "username", delete=True),
    Column("axes.AccessFailureLog", "username", delete=True),
]


def column_register(model: str, field: str, *, delete: bool = False) -> None:
    """Let another app declare a column of its own that may quote people."""
    column = Column(model, field, delete)
    if column not in QUOTING_COLUMNS:
        QUOTING_COLUMNS.append(column)


def traces_of(values: Iterable[Any]) -> list[str]:
    """The strings worth looking for: distinct, long enough, longest first."""
    found = {str(v).strip() for v in values if v is not None and not isinstance(v, bool)}
    return sorted((v for v in found if len(v) >= MIN_LENGTH), key=lambda v: (-len(v), v))


def text_values(instance: models.Model) -> list[str]:
    """Every text value of a row (its char, text and e-mail fields)."""
    values = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            values.append(getattr(instance, field.attname))
    return [v for v in values if isinstance(v, str) and v]


def traces_scrub(traces: list[str]) -> int:
    """Replace (or delete the rows holding) every whole-word copy of ``traces``; returns rows."""
    if not traces:
        return 0
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in traces), re.IGNORECASE)
    changed = 0
    for column in QUOTING_COLUMNS:
        try:
            model = apps.get_model(column.model)
        except LookupError:  # an optional app that is not installed
            continue
        changed += _scrub_column(model, column, traces, pattern)
    return changed


def _scrub_column(model: Any, column: Column, traces: list[str], pattern: re.Pattern[str]) -> int:
    field = model._meta.get_field(column.field)
    is_json = isinstance(field, models.JSONField)
    queryset = model.objects.all()
    lookup = column.field
    if is_json:
        queryset = queryset.annotate(_as_text=Cast(column.field, TextField()))
        lookup = "_as_text"
    match = Q()
    for trace in traces:
        match |= Q(**{f"{lookup}__icontains": trace})
    rows = queryset.filter(match)
    if column.delete:
        deleted, _kinds = rows.delete()
        return int(deleted)
    changed = 0
    for row in rows.only("pk", column.field):
        value = getattr(row, column.field)
        new = _replace(value, pattern, is_json)
        if new != value:
            model.objects.filter(pk=row.pk).update(**{column.field: new})
            changed += 1
    return changed


def _replace(value: Any, pattern: re.Pattern[str], is_json: bool) -> Any:
    if not is_json:
        return pattern.sub(REPLACEMENT, value or "")
    text = json.dumps(value, ensure_ascii=False)
    return json.loads(pattern.sub(REPLACEMENT, text))
