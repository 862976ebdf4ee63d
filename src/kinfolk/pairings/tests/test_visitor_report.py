"""Charter rule 6: a household reports its visitor to the programme; the visitor never sees it."""

from django.urls import reverse

from kinfolk.pairings.models import Pairing, VisitorReport
from kinfolk.testing import make_pairing


def _url(household, pairing):
    return reverse("pairings:visitor_report", args=[household.pk, pairing.pk])


def test_household_reports_its_visitor_and_the_coordinator_reads_it(
    client, household_user, household, volunteer, coordinator, programme
):
    pairing = make_pairing(volunteer, household)
    client.force_login(household_user)
    response = client.post(_url(household, pairing), {"words": "Arrived two hours late, twice."})
    assert response.status_code == 302
    report = VisitorReport.objects.get()
    assert (report.pairing, report.reported_by, report.ended_pairing) == (
        pairing,
        household_user,
        False,
    )
    assert Pairing.objects.get().state == "active"
    client.force_login(coordinator)
    page = client.get(reverse("matching:reports", args=[programme.pk])).content.decode()
    assert "Arrived two hours late, twice." in page


def test_household_may_end_the_pairing_with_the_report(
    client, household_user, household, volunteer
):
    pairing = make_pairing(volunteer, household)
    client.force_login(household_user)
    client.post(_url(household, pairing), {"words": "I do not feel safe.", "end": "on"})
    assert Pairing.objects.get().state == "ended"
    assert VisitorReport.objects.get().ended_pairing


def test_an_empty_report_is_refused_beside_the_field(client, household_user, household, volunteer):
    pairing = make_pairing(volunteer, household)
    client.force_login(household_user)
    response = client.post(_url(household, pairing), {"words": "  "})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not VisitorReport.objects.exists()


def test_the_visitor_never_sees_the_report(client, household_user, household, volunteer):
    pairing = make_pairing(volunteer, household)
    client.force_login(household_user)
    client.post(_url(household, pairing), {"words": "Secret words about the visit."})
    client.force_login(volunteer.user)
    pages = [
        reverse("people:volunteer_home", args=[volunteer.pk]),
        reverse("pairings:pairing_detail", args=["volunteer", volunteer.pk, pairing.pk]),
        reverse("privacy:my_data"),
    ]
    for url in pages:
        assert "Secret words" not in client.get(url).content.decode()
    # Nor can the volunteer open the household's report page.
    assert client.get(_url(household, pairing)).status_code == 404


def test_another_household_cannot_report_on_this_pairing(
    client, other_household, household, volunteer
):
    pairing = make_pairing(volunteer, household)
    client.force_login(other_household.members.get().user)
    assert client.post(_url(other_household, pairing), {"words": "x"}).status_code == 404
    assert client.post(_url(household, pairing), {"words": "x"}).status_code == 404
    assert not VisitorReport.objects.exists()


def test_a_coordinator_of_another_programme_cannot_read_the_reports(
    client, other_coordinator, programme
):
    client.force_login(other_coordinator)
    assert client.get(reverse("matching:reports", args=[programme.pk])).status_code == 404
