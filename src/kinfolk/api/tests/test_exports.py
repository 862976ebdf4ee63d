"""Exports: scoped, streamed, formula-safe, and logged when they hold contact details."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kinfolk.api import exports
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.testing import contact_of, make_household, make_pairing, make_visit

pytestmark = pytest.mark.django_db


def _url(programme, name, fmt="csv"):
    return f"/p/{programme.pk}/exports/{name}.{fmt}"


def _csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_page_offers_every_export(client, programme, coordinator):
    client.force_login(coordinator)
    page = client.get(f"/p/{programme.pk}/exports/").content.decode()
    for name in exports.EXPORTS:
        assert _url(programme, name) in page and _url(programme, name, "xlsx") in page


def test_an_export_holds_the_coordinators_programme_only(
    client, programme, coordinator, volunteer, other_volunteer
):
    client.force_login(coordinator)
    rows = _csv(client.get(_url(programme, "volunteers")))
    assert [r["id"] for r in rows] == [volunteer.external_id]


@pytest.mark.parametrize("name", list(exports.EXPORTS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_another_programmes_coordinator_gets_404(client, programme, other_coordinator, name, fmt):
    client.force_login(other_coordinator)
    assert client.get(_url(programme, name, fmt)).status_code == 404


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_formula_in_a_name_is_neutralised_in_csv_and_xlsx(client, programme, coordinator, start):
    name = f'{start}HYPERLINK("http://evil.example","x")'
    make_household(programme, first_name=name)
    client.force_login(coordinator)
    [row] = _csv(client.get(_url(programme, "households")))
    assert row["first_name"] == "'" + name
    response = client.get(_url(programme, "households", "xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    # XML reads a carriage return back as a line feed; the quote is what matters.
    [written] = [c.value for c in cells if "HYPERLINK" in str(c.value)]
    assert written.startswith("'") and written[2:] == name[1:]


def test_names_in_other_scripts_survive_the_export(client, programme, coordinator):
    names = [
        "\u0641\u0627\u0637\u0645\u0629",
        "\u738b\u82b3",
        "\u0410\u043d\u043d\u0430",
        "\u200fSara",
    ]
    for name in names:
        make_household(programme, first_name=name)
    client.force_login(coordinator)
    assert sorted(
        r["first_name"] for r in _csv(client.get(_url(programme, "households")))
    ) == sorted(names)


def test_contact_details_are_left_out_unless_asked_for(client, programme, coordinator, household):
    client.force_login(coordinator)
    [row] = _csv(client.get(_url(programme, "households")))
    assert "address" not in row and "phone" not in row
    assert not ContactAccessLog.objects.exists()


def test_contact_details_asked_for_are_logged_once_per_person_per_day(
    client, programme, coordinator, household, other_household, volunteer
):
    client.force_login(coordinator)
    for _ in range(2):
        rows = _csv(client.get(_url(programme, "households") + "?contact=on"))
    stored = {h.external_id: contact_of(h) for h in (household, other_household)}
    assert {r["id"]: r["address"] for r in rows} == {k: v["address"] for k, v in stored.items()}
    assert {r["id"]: r["email"] for r in rows}[household.external_id] == "hana@example.org"
    logs = ContactAccessLog.objects.filter(viewer_id=coordinator.pk)
    assert sorted(logs.values_list("person_id", "reads")) == sorted(
        [(household.pk, 2), (other_household.pk, 2)]
    )
    assert {log.viewer_role for log in logs} == {"coordinator"}
    assert {log.day for log in logs} == {timezone.now().date()}


def test_the_batched_log_merges_with_a_page_read_the_same_day(
    client, programme, coordinator, household, settings
):
    client.force_login(coordinator)
    client.get(f"/p/{programme.pk}/households/{household.pk}/")  # the detail page reads and logs
    _csv(client.get(_url(programme, "households") + "?contact=on"))
    log = ContactAccessLog.objects.get(person_id=household.pk, person_kind="household")
    assert log.reads == 2
    assert "export" in log.reasons and "coordinator detail page" in log.reasons


def test_a_large_export_is_read_in_batches(client, programme, coordinator, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 3)
    people = [make_household(programme) for _ in range(8)]
    client.force_login(coordinator)
    response = client.get(_url(programme, "households") + "?contact=on")
    chunks = list(response.streaming_content)
    assert len(chunks) == 1 + 3  # the header, then three batches of at most three
    assert ContactAccessLog.objects.count() == len(people)


def test_pairings_visits_and_outcomes_export(client, programme, coordinator, volunteer, household):
    pairing = make_pairing(volunteer, household)
    make_visit(pairing)
    make_visit(pairing, state="happened", household_outcome="happened", household_rating=5)
    client.force_login(coordinator)
    [p] = _csv(client.get(_url(programme, "pairings")))
    assert (p["volunteer_id"], p["household_id"]) == (volunteer.external_id, household.external_id)
    assert len(_csv(client.get(_url(programme, "visits")))) == 2
    [o] = _csv(client.get(_url(programme, "outcomes")))
    assert (o["household_outcome"], o["household_rating"]) == ("happened", "5")


def test_an_xlsx_export_opens_with_the_header_first(client, programme, coordinator, household):
    client.force_login(coordinator)
    response = client.get(_url(programme, "households", "xlsx") + "?contact=on")
    assert response["Content-Disposition"].startswith('attachment; filename="households-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("kinfolk_id", "id") and rows[0][-3:] == ("email", "phone", "address")
    assert rows[1][1] == household.external_id
    assert ContactAccessLog.objects.count() == 1


def test_an_xlsx_export_streams_batch_by_batch_and_opens_whole(
    client, programme, coordinator, monkeypatch
):
    monkeypatch.setattr(exports, "BATCH", 3)
    people = [make_household(programme, first_name=f"Person{i}") for i in range(8)]
    client.force_login(coordinator)
    response = client.get(_url(programme, "households", "xlsx") + "?contact=on")
    assert response.streaming
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK")  # the archive has begun before any person is read
    assert ContactAccessLog.objects.count() == 0
    data = first + b"".join(chunks)
    assert ContactAccessLog.objects.count() == len(people)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(people)
    assert sorted(r[2] for r in rows[1:]) == sorted(p.first_name for p in people)
    assert isinstance(rows[1][rows[0].index("lat")], float)  # numbers stay numbers


def test_an_xlsx_cell_with_control_characters_or_markup_is_written_safely(
    client, programme, coordinator
):
    make_household(programme, first_name="Ann<b>&amp;\x07</b>")
    client.force_login(coordinator)
    response = client.get(_url(programme, "households", "xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == "Ann<b>&amp;</b>"
