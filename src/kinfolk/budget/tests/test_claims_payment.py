"""Approved claims go to finance as CSV or XLSX, with no formulas, then are marked paid."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from kinfolk.budget.claims import claim_approve, claim_reject
from kinfolk.budget.models import ExpenseClaim
from kinfolk.budget.tests.claim_helpers import met, submitted
from kinfolk.testing import make_household, make_user, make_volunteer


def _claims(programme, volunteer, household, coordinator):
    """An approved claim with a formula in its words, one waiting and one refused."""
    eve = make_volunteer(programme, user=make_user(), first_name='=HYPERLINK("http://x")')
    approved = submitted(
        eve, met(eve, make_household(programme)), other_minor=305, other_what="@SUM(A1:A9)"
    )
    claim_approve(claim=approved, by=coordinator)
    waiting = submitted(volunteer, met(volunteer, household))
    ada = make_volunteer(programme, user=make_user(), first_name="Ada")
    refused = submitted(ada, met(ada, make_household(programme)))
    claim_reject(claim=refused, by=coordinator, note="duplicate")
    return approved, waiting, refused


def test_the_csv_holds_approved_claims_only_and_no_formula(
    client, programme, volunteer, household, coordinator
):
    approved, _waiting, _refused = _claims(programme, volunteer, household, coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("budget:claims_export_csv", args=[programme.pk]))
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["claim_id"]) for r in rows] == [approved.pk]
    (row,) = rows
    assert row["first_name"] == '\'=HYPERLINK("http://x")'
    assert row["other_costs_for"] == "'@SUM(A1:A9)"
    assert (row["travel_minor"], row["other_minor"], row["total_minor"]) == ("1250", "305", "1555")
    assert (row["total"], row["currency"]) == ("15.55", "GBP")
    assert "attachment" in response["Content-Disposition"]


def test_the_xlsx_holds_the_same_rows_as_text_not_formulas(
    client, programme, volunteer, household, coordinator
):
    from openpyxl import load_workbook

    approved, _waiting, _refused = _claims(programme, volunteer, household, coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("budget:claims_export_xlsx", args=[programme.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.values)
    (row,) = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["claim_id"] == approved.pk and cells["total_minor"] == 1555
    assert cells["first_name"].startswith("'=")
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in row)


def test_marking_paid_changes_only_the_ticked_approved_claims(
    client, programme, volunteer, household, coordinator
):
    approved, waiting, refused = _claims(programme, volunteer, household, coordinator)
    client.force_login(coordinator)
    url = reverse("budget:claims_payment", args=[programme.pk])
    page = client.get(url)
    assert "15.55 GBP" in page.content.decode()
    # Ids that are not approved claims are not choices: refused, and nothing changes.
    bad = client.post(url, {"claims": [waiting.pk, refused.pk]})
    assert bad.status_code == 200
    assert set(ExpenseClaim.objects.values_list("state", flat=True)) == {
        "approved",
        "submitted",
        "rejected",
    }
    assert client.post(url, {}).status_code == 200
    assert ExpenseClaim.objects.get(pk=approved.pk).state == "approved"
    done = client.post(url, {"claims": [approved.pk]})
    assert done.status_code == 302
    paid = ExpenseClaim.objects.get(pk=approved.pk)
    assert (paid.state, paid.paid_by) == ("paid", coordinator) and paid.paid_at
    assert ExpenseClaim.objects.get(pk=waiting.pk).state == "submitted"
    # Once paid, a claim leaves the next file for finance.
    again = client.get(reverse("budget:claims_export_csv", args=[programme.pk]))
    assert len(b"".join(again.streaming_content).decode().strip().splitlines()) == 1


def test_another_programmes_coordinator_can_neither_export_nor_pay(
    client, programme, volunteer, household, coordinator, other_coordinator
):
    approved, _w, _r = _claims(programme, volunteer, household, coordinator)
    client.force_login(other_coordinator)
    for name in ("budget:claims_payment", "budget:claims_export_csv", "budget:claims_export_xlsx"):
        assert client.get(reverse(name, args=[programme.pk])).status_code == 404
    url = reverse("budget:claims_payment", args=[programme.pk])
    assert client.post(url, {"claims": [approved.pk]}).status_code == 404
    assert ExpenseClaim.objects.get(pk=approved.pk).state == "approved"
