"""Claims in "My data", and erasure: receipts and words go, approved amounts stay anonymised."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from kinfolk.budget.claims import claim_approve
from kinfolk.budget.models import ExpenseClaim
from kinfolk.budget.tests.claim_helpers import PDF, jpeg_with_gps, met, submitted
from kinfolk.privacy.erasure import person_erase
from kinfolk.testing import make_pairing, make_visit


def _files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()]


def _section(client) -> list[dict]:
    response = client.post(reverse("privacy:my_data_download"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    name = next(n for n in archive.namelist() if n.endswith("expense_claims.json"))
    return json.loads(archive.read(name))


def _claims_of_vera(volunteer, household, coordinator):
    approved = submitted(
        volunteer,
        met(volunteer, household),
        distance_m=9000,
        distance_reason="zq-road-closed",
        other_minor=200,
        other_what="zq-flowers",
        receipt=jpeg_with_gps(),
    )
    claim_approve(claim=approved, by=coordinator, note="zq-approved-note")
    second = make_visit(make_pairing(volunteer, household, state="ended"), state="happened")
    waiting = submitted(volunteer, second, distance_m=0, distance_reason="zq-walked", receipt=PDF)
    return approved, waiting


def test_erasure_removes_receipts_and_words_and_keeps_approved_amounts(
    volunteer, household, coordinator, django_capture_on_commit_callbacks
):
    approved, waiting = _claims_of_vera(volunteer, household, coordinator)
    assert len(_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=volunteer)
    assert _files() == []
    assert not ExpenseClaim.objects.filter(pk=waiting.pk).exists()
    kept = ExpenseClaim.objects.get(pk=approved.pk)
    assert (kept.travel_minor, kept.other_minor, kept.state) == (1250, 200, "approved")
    assert (kept.receipt.name, kept.receipt_type, kept.submitted_by) == ("", "", None)
    words = ExpenseClaim.objects.values_list(
        "distance_reason", "other_what", "decision_note", "confirmation_note"
    )
    assert set(words.get()) == {""}


def test_my_data_holds_the_persons_claims(client, volunteer, household, coordinator):
    approved, waiting = _claims_of_vera(volunteer, household, coordinator)
    client.force_login(volunteer.user)
    rows = _section(client)
    assert {r["other_what"] for r in rows} == {"zq-flowers", ""}
    assert {r["decision_note"] for r in rows} == {"zq-approved-note", ""}
    assert sorted(r["travel_minor"] for r in rows) == [1250, 1250]


def test_the_partners_export_does_not_hold_the_volunteers_claims(
    client, volunteer, household, coordinator
):
    _claims_of_vera(volunteer, household, coordinator)
    client.force_login(household.members.get().user)
    assert _section(client) == []
