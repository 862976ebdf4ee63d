"""'My data': the page shows, and the ZIP holds, everything stored about the signed-in person."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

from django.urls import reverse
from django.utils import timezone

from kinfolk.outbox.services import email_queue
from kinfolk.privacy.models import ExportClaim
from kinfolk.privacy.services import contact_details_read
from kinfolk.testing import contact_of, make_pairing, make_visit

URL = reverse("privacy:my_data_download")


def _download(client) -> zipfile.ZipFile:
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_zip_holds_every_section_as_json_and_csv(client, household_user, household):
    client.force_login(household_user)
    archive = _download(client)
    names = set(archive.namelist())
    data = json.loads(archive.read("my-data.json"))
    for section in data:
        assert f"json/{section}.json" in names and f"csv/{section}.csv" in names
    assert "README.txt" in names
    assert data["profiles"][0]["first_name"] == "Hana"
    assert data["contact_details"][0]["email"] == "hana@example.org"
    rows = list(csv.DictReader(io.StringIO(archive.read("csv/profiles.csv").decode())))
    assert rows[0]["first_name"] == "Hana"


def test_consents_carry_the_exact_words_agreed(client, household_user, household, coordinator):
    from kinfolk.people.models import Consent
    from kinfolk.privacy.consents import consent_document_attach

    consent_document_attach(
        consent=Consent.objects.get(household=household), programme=household.programme
    )
    client.force_login(household_user)
    (entry,) = json.loads(_download(client).read("json/consents.json"))
    assert entry["wording"].startswith("I want to take part in Leeds")
    assert entry["wording_version"] == 1


def test_pairings_visits_feedback_messages_and_readers_are_in_it(
    client, household_user, household, volunteer, coordinator
):
    pairing = make_pairing(volunteer, household)
    make_visit(pairing, volunteer_words="Lovely tea", household_words="Kind visitor")
    email_queue(
        to="hana@example.org",
        subject="Hello",
        body="Your visit",
        purpose="t",
        key="k1",
        user=household_user,
        person=household,
    )
    contact_details_read(viewer=coordinator, person=household, fields=["phone"], reason="call")
    client.force_login(household_user)
    data = json.loads(_download(client).read("my-data.json"))
    assert data["pairings"][0]["with"] == "Vera"
    assert data["visits"][0]["your_words"] == "Kind visitor"
    assert data["visits"][0]["partner_words"] == "Lovely tea"
    assert data["messages"][0]["subject"] == "Hello"
    assert data["contact_reads"][0]["who"] == "Cora"


def test_the_partners_contact_details_are_not_in_it(client, household_user, household, volunteer):
    make_pairing(volunteer, household)
    partner = contact_of(volunteer)
    client.force_login(household_user)
    text = _download(client).read("my-data.json").decode()
    assert partner["phone"] not in text and partner["email"] not in text


def test_a_report_about_a_visitor_is_not_in_the_visitors_export(
    client, volunteer, volunteer_user, household, household_user
):
    from kinfolk.pairings.models import VisitorReport

    pairing = make_pairing(volunteer, household)
    VisitorReport.objects.create(pairing=pairing, reported_by=household_user, words="Came late")
    client.force_login(volunteer_user)
    assert "Came late" not in _download(client).read("my-data.json").decode()
    client.force_login(household_user)
    assert "Came late" in _download(client).read("my-data.json").decode()


def test_an_export_asked_twice_at_once_is_refused_and_changes_nothing(
    client, household_user, household
):
    ExportClaim.objects.create(user_id=household_user.pk, started_at=timezone.now())
    client.force_login(household_user)
    response = client.post(URL)
    assert response.status_code == 409
    assert "being prepared in another window" in response.content.decode()
    assert ExportClaim.objects.count() == 1


def test_a_claim_left_by_a_request_that_died_is_taken_over(client, household_user, household):
    old = timezone.now() - dt.timedelta(hours=1)
    ExportClaim.objects.create(user_id=household_user.pk, started_at=old)
    client.force_login(household_user)
    assert client.post(URL).status_code == 200
    assert ExportClaim.objects.count() == 0


def test_the_page_shows_the_sections_and_names_the_exemptions(client, household_user, household):
    client.force_login(household_user)
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "Your profile in each programme" in page
    assert "protects the person who made it" in page
    assert "expense claims" in page


def test_a_stranger_is_sent_to_sign_in(client, db):
    assert client.post(URL).status_code == 302
    assert "/accounts/login/" in client.post(URL)["Location"]


def test_opening_the_download_address_shows_the_page(client, household_user, household):
    client.force_login(household_user)
    assert client.get(URL)["Location"] == reverse("privacy:my_data")


def test_another_app_adds_a_section_through_the_registry(client, household_user, household):
    from kinfolk.privacy.exports import EXPORTERS, exporter_register

    before = list(EXPORTERS)
    exporter_register("notes", "Notes", ("people.Household",))(
        lambda subject: [{"note": f"about {p.first_name}"} for p in subject.people]
    )
    try:
        client.force_login(household_user)
        data = json.loads(_download(client).read("my-data.json"))
    finally:
        EXPORTERS[:] = before
    assert data["notes"] == [{"note": "about Hana"}]
