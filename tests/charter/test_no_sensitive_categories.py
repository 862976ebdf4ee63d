"""Charter rule 3: no model, form, import column or API field holds a sensitive category.

Two lines of defence:

1. **A reviewed allowlist.**  ``reviewed_fields.txt`` beside this file holds
   the exact set of field names Kinfolk stores or takes in: every model field
   of every kinfolk app, every form field, every column of the files it
   imports and writes.  A field that is not on the list fails the build until
   someone reviews it against the charter and adds it on purpose; a field
   that went away must leave the list too.
2. **A denylist of words**, as a second line: a field named after a
   sensitive category fails even if someone added it to the list.  Names are
   split into words (``country_of_birth`` -> country, of, birth), plurals are
   folded (``religions`` -> religion) and compared whole, so that a
   programme's ``country`` or a word such as ``trace`` does not trip it.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps

import kinfolk

REVIEWED = Path(__file__).with_name("reviewed_fields.txt")

# Reviewed list: each entry is a word, or words that must appear together.
SENSITIVE = [
    ("ethnic",),
    ("ethnicity",),
    ("race",),
    ("racial",),
    ("religion",),
    ("religious",),
    ("faith",),
    ("belief",),
    ("creed",),
    ("caste",),
    ("political",),
    ("politics",),
    ("party", "member"),
    ("party", "membership"),
    ("union",),
    ("trade", "union"),
    ("health",),
    ("medical",),
    ("mental",),
    ("diagnosis",),
    ("illness",),
    ("disability",),
    ("disabled",),
    ("impairment",),
    ("wheelchair",),
    ("pregnancy",),
    ("pregnant",),
    ("sexual",),
    ("sexuality",),
    ("orientation",),
    ("gay",),
    ("lesbian",),
    ("transgender",),
    ("gender", "identity"),
    ("nationality",),
    ("national", "origin"),
    ("citizenship",),
    ("citizen",),
    ("origin",),
    ("birthplace",),
    ("country", "of", "birth"),
    ("birth", "country"),
    ("home", "country"),
    ("native", "country"),
    ("homeland",),
    ("heritage",),
    ("ancestry",),
    ("descent",),
    ("cultural",),
    ("culture",),
    ("passport",),
    ("immigration",),
    ("immigrant",),
    ("migrant",),
    ("asylum",),
    ("visa",),
    ("residence", "status"),
    ("residency",),
    ("refugee", "status"),
    ("hukou",),
    ("tribe",),
    ("tribal",),
    ("skin",),
]


def _singular(word: str) -> str:
    # Crude on purpose: it only has to fold both sides the same way.
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [_singular(w) for w in re.split(r"[^a-zA-Z]+", spaced.lower()) if w]


def sensitive_match(name: str) -> tuple[str, ...] | None:
    found = words(name)
    for entry in SENSITIVE:
        folded = tuple(_singular(w) for w in entry)
        n = len(folded)
        if any(tuple(found[i : i + n]) == folded for i in range(len(found) - n + 1)):
            return entry
    return None


# --- what Kinfolk stores and takes in ---------------------------------------------------


def _model_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("kinfolk."):
            continue
        label = f"model {model._meta.app_label}.{model.__name__}"
        found.add(label)
        found |= {
            f"{label}:{f.name}"
            for f in model._meta.get_fields()
            if f.concrete or f.many_to_many and not f.auto_created
        }
    return found


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(kinfolk.__path__, "kinfolk."):
        if not module_info.name.endswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


def _form_arguments() -> dict[str, Any]:
    """What forms' constructors ask for, so that fields they add at run time are seen too."""
    from kinfolk.pairings.models import MatchingRun
    from kinfolk.testing import make_programme

    programme = make_programme(requires_safeguarding=True)
    return {
        "programme": programme,
        "run": MatchingRun.objects.create(programme=programme),
        "towns": [],
        "states": [],
        "device": None,
        "household": None,
        "email": "",
        "first_name": "",
        "time_zone": "UTC",
    }


def _form_fields(arguments: dict[str, Any]) -> set[str]:
    found = set()
    for form in _form_classes():
        names = set(form.base_fields)
        # A subclass passes **kwargs on: ask every constructor up the line.
        wanted = {p for c in form.__mro__ for p in inspect.signature(c.__init__).parameters}
        # A form this walk cannot build shows its declared fields only.
        with contextlib.suppress(TypeError, ValueError):
            names |= set(form(**{k: v for k, v in arguments.items() if k in wanted}).fields)
        label = f"form {form.__module__}.{form.__name__}"
        found |= {f"{label}:{name}" for name in names}
    return found


def _columns() -> set[str]:
    from kinfolk.engine.explain import COLUMNS as EXPLAIN
    from kinfolk.engine.population import COLUMNS as PEOPLE
    from kinfolk.matchcli import PAIR_COLUMNS
    from kinfolk.pairings.importing import COLUMNS as PAIRINGS
    from kinfolk.people.columns import IMPORT_COLUMNS

    files = {
        "engine people": PEOPLE,
        "people import": IMPORT_COLUMNS,
        "pairings import": PAIRINGS,
        "match pairs": PAIR_COLUMNS,
        "match explanations": EXPLAIN,
    }
    return {f"column {file}:{name}" for file, columns in files.items() for name in columns}


def collected() -> set[str]:
    """Every field name Kinfolk stores or takes in, one line each, as the reviewed file has it.

    API fields join here when the API is built: add their collector below.
    """
    return _model_fields() | _form_fields(_form_arguments()) | _columns()


def reviewed() -> set[str]:
    lines = (line.strip() for line in REVIEWED.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


# --- the tests ---------------------------------------------------------------------------


def test_guard_matches_whole_words_only():
    assert sensitive_match("ethnicity") == ("ethnicity",)
    assert sensitive_match("religion_id") == ("religion",)
    assert sensitive_match("countryOfBirth") == ("country", "of", "birth")
    assert sensitive_match("country") is None
    assert sensitive_match("trace") is None
    assert sensitive_match("reunion_date") is None
    assert sensitive_match("Programme.country") is None
    assert sensitive_match("address") is None


@pytest.mark.parametrize(
    "name",
    ["health", "disabilities", "religions", "nationalities", "home_country", "cultural_background"],
)
def test_guard_catches_names_that_once_slipped_through(name):
    assert sensitive_match(name) is not None


def test_the_walk_reaches_every_kind_of_field(db):
    found = collected()
    assert "model people.Volunteer:speaks" in found
    assert "form kinfolk.people.forms.ProfileForm:availability" in found
    # Fields a form adds when it is built, not only those it declares.
    assert "form kinfolk.programmes.forms.ApprovalForm:safeguarding" in found
    assert "form kinfolk.programmes.forms.VolunteerFilterForm:organisation" in found
    assert "column pairings import:since" in found
    assert "column engine people:waiting_since" in found


def test_every_field_is_on_the_reviewed_list(db):
    found, listed = collected(), reviewed()
    new, gone = sorted(found - listed), sorted(listed - found)
    message = ["The fields of Kinfolk changed: charter rule 3 (no sensitive categories) asks for"]
    if new:
        message += [
            "a review of each new field. Check it against rule 3 of docs/charter.md (a",
            "sensitive category must never be stored, not even under another name), then add",
            f"its line to tests/charter/{REVIEWED.name} in the same commit:",
            *(f"    {line}" for line in new),
        ]
    if gone:
        message += ["These fields are gone; remove their lines:", *(f"    {line}" for line in gone)]
    assert not new and not gone, "\n".join(message)


def test_no_field_holds_a_sensitive_category(db):
    offenders = sorted(name for name in collected() | reviewed() if sensitive_match(name))
    assert offenders == [], f"these look like sensitive categories (charter rule 3): {offenders}"


def test_condition_vocabulary_describes_the_visit_not_the_person():
    from kinfolk.engine.dictionary import CONDITIONS

    assert [c for c in CONDITIONS if sensitive_match(c)] == []
