"""Charter rule 3: no model, form, import column or API field holds a sensitive category.

Names are split into words (``country_of_birth`` -> country, of, birth) and
compared whole, so that a programme's ``country`` or a word such as
``trace`` does not trip the guard, while ``ethnicity`` or ``religion_id`` does.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.apps import apps

import kinfolk
from kinfolk.engine.population import COLUMNS as ENGINE_COLUMNS
from kinfolk.people.columns import IMPORT_COLUMNS

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
    ("beliefs",),
    ("caste",),
    ("political",),
    ("politics",),
    ("party", "member"),
    ("party", "membership"),
    ("union",),
    ("trade", "union"),
    ("health", "condition"),
    ("health", "status"),
    ("medical",),
    ("diagnosis",),
    ("illness",),
    ("disability",),
    ("disabled",),
    ("impairment",),
    ("sexual",),
    ("sexuality",),
    ("orientation",),
    ("gay",),
    ("lesbian",),
    ("transgender",),
    ("nationality",),
    ("citizenship",),
    ("citizen",),
    ("origin",),
    ("birthplace",),
    ("country", "of", "birth"),
    ("birth", "country"),
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


def words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^a-zA-Z]+", spaced.lower()) if w]


def sensitive_match(name: str) -> tuple[str, ...] | None:
    found = words(name)
    for entry in SENSITIVE:
        n = len(entry)
        if any(tuple(found[i : i + n]) == entry for i in range(len(found) - n + 1)):
            return entry
    return None


def _model_field_names() -> list[str]:
    names = []
    for model in apps.get_models():
        if not model.__module__.startswith("kinfolk."):
            continue
        names.append(f"{model.__name__}")
        names += [f"{model.__name__}.{f.name}" for f in model._meta.get_fields()]
    return names


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


def _form_field_names() -> list[str]:
    return [f"{form.__name__}.{name}" for form in _form_classes() for name in form.base_fields]


def test_guard_matches_whole_words_only():
    assert sensitive_match("ethnicity") == ("ethnicity",)
    assert sensitive_match("religion_id") == ("religion",)
    assert sensitive_match("countryOfBirth") == ("country", "of", "birth")
    assert sensitive_match("country") is None
    assert sensitive_match("trace") is None
    assert sensitive_match("reunion_date") is None
    assert sensitive_match("Programme.country") is None


def test_guard_finds_fields_on_every_model_and_form():
    # The walk must actually reach the models and forms it guards.
    assert "Volunteer.speaks" in _model_field_names()
    assert "ProfileForm.availability" in _form_field_names()


@pytest.mark.parametrize("name", _model_field_names())
def test_no_model_field_holds_a_sensitive_category(name):
    assert sensitive_match(name) is None, f"{name} looks like a sensitive category (charter 3)"


@pytest.mark.parametrize("name", _form_field_names())
def test_no_form_field_holds_a_sensitive_category(name):
    assert sensitive_match(name) is None, f"{name} looks like a sensitive category (charter 3)"


@pytest.mark.parametrize("name", sorted(set(IMPORT_COLUMNS) | set(ENGINE_COLUMNS)))
def test_no_import_column_holds_a_sensitive_category(name):
    assert sensitive_match(name) is None, f"column {name} looks like a sensitive category"


def test_condition_vocabulary_describes_the_visit_not_the_person():
    from kinfolk.engine.dictionary import CONDITIONS

    assert [c for c in CONDITIONS if sensitive_match(c)] == []
