"""Approving a volunteer: the programme's checks recorded, applied -> approved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import VolunteerCheck
from kinfolk.testing import otp_force_login

DONE = "2026-01-15"


def _url(programme, volunteer):
    return reverse("programmes:volunteer_approve", args=[programme.pk, volunteer.pk])


def _in_two_days():
    return (timezone.localdate() + dt.timedelta(days=2)).isoformat()


def test_coordinator_sees_the_required_checks(client, programme, coordinator, applicant):
    client.force_login(coordinator)
    response = client.get(_url(programme, applicant))
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"references", "training"}


def test_safeguarding_is_asked_only_where_required(client, programme, coordinator, applicant):
    programme.requires_safeguarding = True
    programme.save(update_fields=["requires_safeguarding"])
    client.force_login(coordinator)
    form = client.get(_url(programme, applicant)).context["form"]
    assert "safeguarding" in form.fields


def test_approving_records_checks_and_moves_to_approved(client, programme, coordinator, applicant):
    client.force_login(coordinator)
    response = client.post(_url(programme, applicant), {"references": DONE, "training": DONE})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programmes:volunteer_detail", args=[programme.pk, applicant.pk]
    )
    applicant.refresh_from_db()
    assert applicant.state == "approved"
    assert applicant.approved_at is not None
    checks = VolunteerCheck.objects.filter(volunteer=applicant)
    assert {c.kind for c in checks} == {"references", "training"}
    assert all(c.recorded_by == coordinator for c in checks)


def test_a_missing_check_date_is_refused_beside_the_field(
    client, programme, coordinator, applicant
):
    client.force_login(coordinator)
    response = client.post(_url(programme, applicant), {"references": DONE})
    assert response.status_code == 200
    assert response.context["form"].errors["training"]
    applicant.refresh_from_db()
    assert applicant.state == "applied"
    assert VolunteerCheck.objects.count() == 0


def test_a_check_date_in_the_future_is_refused(client, programme, coordinator, applicant):
    client.force_login(coordinator)
    response = client.post(
        _url(programme, applicant), {"references": DONE, "training": _in_two_days()}
    )
    assert response.status_code == 200
    assert "future" in str(response.context["form"].errors["training"])
    assert "future" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.state == "applied"
    assert VolunteerCheck.objects.count() == 0


def test_only_an_applied_volunteer_can_be_approved(client, programme, coordinator, volunteer):
    client.force_login(coordinator)
    response = client.post(_url(programme, volunteer), {"references": DONE, "training": DONE})
    assert response.status_code == 200
    assert "Only a volunteer who has applied" in str(response.context["form"].non_field_errors())
    volunteer.refresh_from_db()
    assert volunteer.state == "active"
    assert VolunteerCheck.objects.count() == 0


def test_other_coordinator_gets_404_with_either_programme_in_the_url(
    client, programme, other_programme, other_coordinator, applicant
):
    client.force_login(other_coordinator)
    data = {"references": DONE, "training": DONE}
    assert client.post(_url(programme, applicant), data).status_code == 404
    assert client.post(_url(other_programme, applicant), data).status_code == 404
    applicant.refresh_from_db()
    assert applicant.state == "applied"


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, applicant, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(programme, applicant)).status_code == 404
    data = {"references": DONE, "training": DONE}
    assert client.post(_url(programme, applicant), data).status_code == 404


def test_an_applicant_cannot_approve_themselves(client, programme, applicant):
    client.force_login(applicant.user)
    data = {"references": DONE, "training": DONE}
    assert client.post(_url(programme, applicant), data).status_code == 404
    applicant.refresh_from_db()
    assert applicant.state == "applied"


def test_anonymous_is_sent_to_login(client, programme, applicant):
    response = client.post(_url(programme, applicant), {"references": DONE, "training": DONE})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, applicant, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme, applicant)).status_code == 404


def test_an_imported_volunteer_who_never_consented_cannot_be_approved(
    client, programme, coordinator
):
    from kinfolk.imports import running, services
    from kinfolk.imports.tests.conftest import households_csv, row
    from kinfolk.people.models import Volunteer

    made = services.import_upload(
        programme=programme,
        side="volunteer",
        filename="volunteers.csv",
        data=households_csv(row(1, id="V1")),
        by=coordinator,
    )
    services.import_map(people_import=made, mapping=made.mapping, by=coordinator)
    running.import_preview(import_id=made.pk)
    made.refresh_from_db()
    services.import_commit_start(people_import=made, by=coordinator)
    running.import_commit(import_id=made.pk)
    imported = Volunteer.objects.get(programme=programme, external_id="V1")
    assert imported.state == "applied"
    client.force_login(coordinator)
    response = client.post(_url(programme, imported), {"references": DONE, "training": DONE})
    assert response.status_code == 200
    assert "Ann1 has not agreed to take part yet" in response.content.decode()
    imported.refresh_from_db()
    assert imported.state == "applied" and imported.approved_at is None
    assert not VolunteerCheck.objects.filter(volunteer=imported).exists()
    # Once a paper consent is recorded, the same approval goes through.
    services.invitee_consent_record(
        person=imported, given_on=programme.today(), recorded_by=coordinator
    )
    response = client.post(_url(programme, imported), {"references": DONE, "training": DONE})
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.state == "approved"
