"""Every model that holds a person's data is either in "My data" or on the reviewed exempt list.

A model holds a person's data when it points to an account, a volunteer or a
household, or keeps a person's id or sign-in name in a column of its own.
A new such model fails this test until it is exported (a section in
``kinfolk.privacy.exports``) or listed in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.exports import EXEMPT, EXPORTERS

PERSON_COLUMNS = {"person_id", "viewer_id", "recipient_id", "user_id", "username", "erased_id"}


def _holds_person_data(model: type[models.Model]) -> bool:
    people = {get_user_model(), Volunteer, Household}
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model in people:
            return True
        if field.attname in PERSON_COLUMNS:
            return True
    return False


def _covered(label: str, covered: set[str]) -> bool:
    return label in covered or f"{label.split('.')[0]}.*" in covered


def test_every_model_holding_a_persons_data_is_exported_or_exempt():
    covered = {label for section in EXPORTERS for label in section.models} | set(EXEMPT)
    missing = [
        model._meta.label
        for model in apps.get_models()
        if _holds_person_data(model) and not _covered(model._meta.label, covered)
    ]
    assert missing == [], "export these in kinfolk.privacy.exports, or list them in EXEMPT"


def test_every_listed_model_exists():
    labels = {label for section in EXPORTERS for label in section.models} | set(EXEMPT)
    known = {model._meta.label for model in apps.get_models()}
    stale = [label for label in labels if not label.endswith(".*") and label not in known]
    assert stale == []


def test_no_model_is_both_exported_and_exempt():
    exported = {label for section in EXPORTERS for label in section.models}
    assert exported & set(EXEMPT) == set()
