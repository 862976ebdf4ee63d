"""Consent wording is kept word for word: a consent points to the version its person agreed to."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from kinfolk.people.forms import consent_text
from kinfolk.people.models import Consent
from kinfolk.people.services.coordination import paper_consent_record
from kinfolk.people.tests.test_coordination_services import DONE, PROFILE
from kinfolk.privacy.consents import consent_document_attach, consent_history
from kinfolk.privacy.models import ConsentDocument, ConsentDocumentEdited


def _enrol(programme, coordinator):
    person = paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="household",
        given_on=DONE,
        profile=PROFILE,
    ).person
    return Consent.objects.get(household=person)


def test_a_paper_consent_points_to_the_exact_words_shown(programme, coordinator):
    consent = _enrol(programme, coordinator)
    document = consent.agreement.document
    assert (document.version, document.language) == (1, "en")
    assert document.text == consent_text(programme)


def test_the_same_wording_is_one_version(programme, coordinator, household):
    first = _enrol(programme, coordinator).agreement.document
    second = consent_document_attach(
        consent=Consent.objects.get(household=household), programme=programme
    ).document
    assert first == second
    assert ConsentDocument.objects.count() == 1


def test_changed_wording_is_a_new_version_and_the_old_one_stays(programme, coordinator):
    old = _enrol(programme, coordinator).agreement.document
    old_text = old.text
    programme.name = "Leeds Friends"
    programme.save(update_fields=["name"])
    new = _enrol(programme, coordinator).agreement.document
    assert new.version == 2 and "Leeds Friends" in new.text
    old.refresh_from_db()
    assert old.text == old_text and old.version == 1


def test_wording_in_another_language_is_its_own_document(programme, coordinator):
    english = _enrol(programme, coordinator).agreement.document
    with translation.override("pl"):
        polish = _enrol(programme, coordinator).agreement.document
    assert polish.language == "pl" and polish.version == 1 and english.language == "en"


def test_editing_a_document_is_refused(programme, coordinator):
    document = _enrol(programme, coordinator).agreement.document
    original = document.text
    document.text = "I agree to anything."
    with pytest.raises(ConsentDocumentEdited):
        document.save()
    assert ConsentDocument.objects.get(pk=document.pk).text == original


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_edit_or_delete_a_document(programme, coordinator):
    document = _enrol(programme, coordinator).agreement.document
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentDocument.objects.filter(pk=document.pk).update(text="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentDocument.objects.filter(pk=document.pk).delete()
    assert ConsentDocument.objects.get(pk=document.pk).text == document.text


def test_the_history_shows_the_words_and_the_withdrawal(programme, coordinator):
    consent = _enrol(programme, coordinator)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=consent.given_at)
    (entry,) = consent_history(consents=[Consent.objects.get(pk=consent.pk)])
    assert entry["wording"] == consent_text(programme)
    assert entry["wording_version"] == 1 and entry["withdrawn_at"] == consent.given_at
