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


def _zip(client) -> zipfile.ZipFile:
    response = client.post(reverse("privacy:my_data_download"))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def _section(client) -> list[dict]:
    return json.loads(_zip(client).read("json/expense_claims.json"))


def _stored(claim) -> bytes:
    return (Path(settings.MEDIA_ROOT) / claim.receipt.name).read_bytes()


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


def test_my_data_holds_the_persons_receipts_byte_for_byte_and_lists_them(
    client, volunteer, household, coordinator
):
    approved, waiting = _claims_of_vera(volunteer, household, coordinator)
    client.force_login(volunteer.user)
    archive = _zip(client)
    receipts = sorted(n for n in archive.namelist() if n.startswith("receipts/"))
    assert receipts == sorted(
        [f"receipts/claim-{approved.pk}.jpg", f"receipts/claim-{waiting.pk}.pdf"]
    )
    for claim in (approved, waiting):
        path = next(n for n in receipts if f"claim-{claim.pk}." in n)
        assert archive.read(path) == _stored(claim)
    assert b"KinfolkCam" not in archive.read(f"receipts/claim-{approved.pk}.jpg")  # EXIF-free
    assert archive.read(f"receipts/claim-{waiting.pk}.pdf") == PDF
    readme = archive.read("README.txt").decode()
    assert all(f"  {path}" in readme for path in receipts)
    rows = {r["receipt_file"] for r in json.loads(archive.read("json/expense_claims.json"))}
    assert rows == set(receipts)


def test_the_household_and_the_volunteer_never_get_each_others_receipt_for_the_same_visit(
    client, programme, volunteer, household, coordinator
):
    from kinfolk.budget.claims import claim_settings_set

    claim_settings_set(programme=programme, households_may_claim=True)
    visit = met(volunteer, household)
    vera = submitted(volunteer, visit, receipt=jpeg_with_gps())
    hana = submitted(household, visit, distance_m=0, receipt=PDF)
    assert _stored(vera) != _stored(hana)
    client.force_login(household.members.get().user)
    archive = _zip(client)
    names = [n for n in archive.namelist() if n.startswith("receipts/")]
    assert names == [f"receipts/claim-{hana.pk}.pdf"]
    assert _stored(vera) not in [archive.read(n) for n in archive.namelist()]
    client.force_login(volunteer.user)
    archive = _zip(client)
    names = [n for n in archive.namelist() if n.startswith("receipts/")]
    assert names == [f"receipts/claim-{vera.pk}.jpg"]
    assert _stored(hana) not in [archive.read(n) for n in archive.namelist()]


def test_a_receipt_missing_from_storage_leaves_the_zip_whole(client, volunteer, household):
    claim = submitted(volunteer, met(volunteer, household), receipt=PDF)
    (Path(settings.MEDIA_ROOT) / claim.receipt.name).unlink()
    client.force_login(volunteer.user)
    archive = _zip(client)
    assert not [n for n in archive.namelist() if n.startswith("receipts/")]
    assert "receipts/" not in archive.read("README.txt").decode()


def test_a_zip_without_receipts_has_no_receipts_folder(client, volunteer, household):
    submitted(volunteer, met(volunteer, household))
    client.force_login(volunteer.user)
    archive = _zip(client)
    assert not [n for n in archive.namelist() if n.startswith("receipts/")]
    assert [r["receipt_file"] for r in json.loads(archive.read("json/expense_claims.json"))] == [""]


def test_deleting_my_account_deletes_my_receipt_files_from_disk(
    client, volunteer, household, coordinator, django_capture_on_commit_callbacks
):
    approved, waiting = _claims_of_vera(volunteer, household, coordinator)
    files = [Path(settings.MEDIA_ROOT) / c.receipt.name for c in (approved, waiting)]
    assert all(f.is_file() for f in files)
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:account_delete"), {"understood": "on"})
    assert response.status_code == 302
    assert not any(f.exists() for f in files)
    assert _files() == []


def test_erasing_the_volunteer_keeps_the_households_receipt_for_the_same_visit(
    programme, volunteer, household, django_capture_on_commit_callbacks
):
    from kinfolk.budget.claims import claim_settings_set

    claim_settings_set(programme=programme, households_may_claim=True)
    visit = met(volunteer, household)
    vera = submitted(volunteer, visit, receipt=jpeg_with_gps())
    hana = submitted(household, visit, distance_m=0, receipt=PDF)
    vera_file, hana_file = (Path(settings.MEDIA_ROOT) / c.receipt.name for c in (vera, hana))
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=volunteer)
    assert not vera_file.exists()
    assert hana_file.read_bytes() == PDF
