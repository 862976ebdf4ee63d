"""The import pages: one programme's coordinators only, uploads refused by size, the journey."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kinfolk.imports.models import PeopleImport
from kinfolk.imports.tests.conftest import households_csv, row
from kinfolk.people.models import Household


def _upload(client, programme, data: bytes, name: str = "people.csv", side: str = "household"):
    url = reverse("imports:imports", args=[programme.pk])
    return client.post(url, {"side": side, "file": SimpleUploadedFile(name, data)})


def test_the_journey_through_the_pages(
    client, coordinator, programme, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = _upload(client, programme, households_csv(row(1), row(2, lat=200)))
    made = PeopleImport.objects.get()
    assert response.url == reverse("imports:detail", args=[programme.pk, made.pk])
    page = client.get(response.url).content.decode()
    assert "Which column is which" in page and 'value="first_name" selected' in page

    form = {f"column_{i}": made.mapping.get(column, "") for i, column in enumerate(made.header)}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, form)  # the immediate task backend checks at once
    made.refresh_from_db()
    assert (made.status, made.new, made.invalid) == ("previewed", 1, 1)
    page = client.get(response.url).content.decode()
    assert "200.0 is outside -90..90 degrees" in page

    problems = client.get(reverse("imports:problems", args=[programme.pk, made.pk]))
    assert problems["Content-Type"] == "text/csv; charset=utf-8"
    assert b"3,lat,200,200.0 is outside -90..90 degrees" in problems.content

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[programme.pk, made.pk]))
    made.refresh_from_db()
    assert made.status == "committed"
    assert Household.objects.filter(external_id="H1", state="invited").exists()
    progress = client.get(reverse("imports:progress", args=[programme.pk, made.pk]))
    assert progress["HX-Refresh"] == "true"


def test_a_file_that_cannot_be_read_is_answered_on_the_page_and_nothing_stored(
    client, coordinator, programme
):
    client.force_login(coordinator)
    response = _upload(client, programme, b"id,first_name,first_name\nH1,A,B\n")
    assert response.status_code == 400
    assert "appears twice" in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_a_200_mb_upload_is_refused_by_its_size_before_it_is_read(client, coordinator, programme):
    client.force_login(coordinator)
    url = reverse("imports:imports", args=[programme.pk])
    # The declared length is what a browser sends first; the body is never read.
    response = client.post(
        url, {"side": "household", "file": SimpleUploadedFile("big.csv", b"id\n")},
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )  # fmt: skip
    assert response.status_code == 413
    assert not PeopleImport.objects.exists()


def test_a_file_over_the_limit_is_refused_by_the_form_too(client, coordinator, programme, settings):
    settings.IMPORT_MAX_MB = 0
    client.force_login(coordinator)
    response = _upload(client, programme, households_csv(row(1)))
    assert response.status_code in (400, 413)
    assert not PeopleImport.objects.exists()


@pytest.mark.parametrize("name", ["detail", "progress", "problems"])
def test_another_programmes_coordinator_gets_404(client, journey, other_coordinator, name):
    made = journey(households_csv(row(1)))
    client.force_login(other_coordinator)
    url = reverse(f"imports:{name}", args=[made.programme_id, made.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["commit", "invite"])
def test_another_programmes_coordinator_cannot_commit_or_invite(
    client, journey, other_coordinator, other_programme, name
):
    made = journey(households_csv(row(1)))
    client.force_login(other_coordinator)
    for programme_id in (made.programme_id, other_programme.pk):
        url = reverse(f"imports:{name}", args=[programme_id, made.pk])
        assert client.post(url).status_code == 404
    made.refresh_from_db()
    assert made.status == "previewed"
    assert not Household.objects.filter(external_id="H1").exists()


def test_a_volunteer_cannot_open_the_import_page(client, volunteer_user, programme):
    client.force_login(volunteer_user)
    assert client.get(reverse("imports:imports", args=[programme.pk])).status_code == 404


def test_paper_consent_page_records_it_for_an_imported_person_only(
    client, journey, coordinator, programme, household
):
    journey(households_csv(row(1)), commit=True)
    imported = Household.objects.get(external_id="H1")
    client.force_login(coordinator)
    url = reverse("imports:household_consent", args=[programme.pk, imported.pk])
    detail = reverse("programmes:household_detail", args=[programme.pk, imported.pk])
    assert f'id="paper-consent" href="{url}"' in client.get(detail).content.decode()
    response = client.post(url, {"given_on": programme.today().isoformat()})
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.state == "active"
    assert 'id="paper-consent"' not in client.get(detail).content.decode()
    other = reverse("imports:household_consent", args=[programme.pk, household.pk])
    assert client.get(other).status_code == 404  # not imported
