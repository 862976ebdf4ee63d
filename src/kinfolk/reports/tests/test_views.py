"""Who may read a programme's outcome report, and what the page, print and CSV show."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Coordinator, Organisation
from kinfolk.reports.keeping import reports_refresh
from kinfolk.reports.tests.conftest import pair
from kinfolk.staff.models import CoordinatorOrganisation, Viewer
from kinfolk.testing import (
    make_household,
    make_pairing,
    make_user,
    make_volunteer,
    otp_force_login,
)

pytestmark = pytest.mark.django_db

PAGES = ("reports:report", "reports:report_print", "reports:report_csv")


@pytest.fixture
def acme(programme):
    return Organisation.objects.create(programme=programme, name="Acme Ltd", kind="company")


@pytest.fixture
def populated(programme, acme):
    """6 pairings of Acme's volunteers and 7 of volunteers with no organisation, all recent."""
    started = timezone.localdate() - dt.timedelta(days=20)
    for i in range(13):
        pair(programme, started_on=started, organisation=acme if i < 6 else None)
    return programme


@pytest.fixture
def trustee(programme):
    user = make_user("tess@example.org", first_name="Tess")
    Viewer.objects.create(programme=programme, user=user)
    return user


@pytest.fixture
def limited(programme, coordinator, acme):
    membership = Coordinator.objects.get(programme=programme, user=coordinator)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    return coordinator


def _built(client, url):
    """GET a page once its reader's report is built: the first GET asks for it, the tick builds."""
    client.get(url)
    reports_refresh()
    return client.get(url)


def _whole_row(response, slug):
    breakdown = next(b for b in response.context["report"].breakdowns if b.slug == slug)
    return {line.label: [f.text for f in line.figures] for line in breakdown.lines}


@pytest.mark.parametrize("name", PAGES)
def test_coordinator_and_viewer_read_the_report(client, populated, coordinator, trustee, name):
    for user in (coordinator, trustee):
        client.force_login(user)
        response = _built(client, reverse(name, args=[populated.pk]))
        assert response.status_code == 200, user.email


@pytest.mark.parametrize("name", PAGES)
def test_everyone_else_gets_404(
    client, populated, other_coordinator, volunteer_user, household_user, site_admin, name
):
    """Another programme's coordinator, participants of this one and a site administrator."""
    """Even a participant with an accepted pairing in the programme reads no report."""
    volunteer = make_volunteer(populated, user=volunteer_user)
    make_pairing(volunteer, make_household(populated, users=(household_user,)))
    url = reverse(name, args=[populated.pk])
    for user in (other_coordinator, volunteer_user, household_user, site_admin):
        if user.is_staff:
            otp_force_login(client, user)
        else:
            client.force_login(user)
        assert client.get(url).status_code == 404, user.email


def test_anonymous_visitor_is_sent_to_sign_in(client, populated):
    response = client.get(reverse("reports:report", args=[populated.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_another_programmes_viewer_gets_404(client, populated, other_programme):
    outsider = make_user("olga@example.org")
    Viewer.objects.create(programme=other_programme, user=outsider)
    client.force_login(outsider)
    assert client.get(reverse("reports:report", args=[populated.pk])).status_code == 404


def test_the_page_names_nobody(client, populated, trustee):
    client.force_login(trustee)
    response = _built(client, reverse("reports:report", args=[populated.pk]))
    text = response.content.decode()
    assert "<svg" in text and "Pairings formed, ended and active" in text
    people = [*populated.volunteers.all(), *populated.households.all()]
    for person in people:
        assert person.external_id not in text
        assert f">{person.first_name}<" not in text
    assert _whole_row(response, "organisation")["whole programme"][:3] == [
        "13",
        "fewer than 5",
        "13",
    ]


def test_limited_coordinator_reads_only_their_organisations_pairings(client, populated, limited):
    client.force_login(limited)
    response = _built(client, reverse("reports:report", args=[populated.pk]))
    organisations = _whole_row(response, "organisation")
    # Acme's 6 pairings only: no row for the volunteers of no organisation.
    assert list(organisations) == ["Acme Ltd", "whole programme"]
    assert organisations["Acme Ltd"][0] == "6"
    assert organisations["whole programme"][0] == "6"
    assert "pairings of your organisations only" in response.content.decode()


def test_printable_page_has_a_print_stylesheet_and_no_programme_menu(
    client, populated, coordinator
):
    client.force_login(coordinator)
    text = _built(client, reverse("reports:report_print", args=[populated.pk])).content.decode()
    assert 'media="print"' in text and "reports/print.css" in text
    assert 'class="actions programme-nav"' not in text
    page = client.get(reverse("reports:report", args=[populated.pk])).content.decode()
    assert 'class="actions programme-nav"' in page


def test_csv_holds_the_same_figures_withheld_alike(client, populated, coordinator):
    client.force_login(coordinator)
    response = _built(client, reverse("reports:report_csv", args=[populated.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["section", "figure", "group", "period", "value"]
    values = [row[4] for row in rows[1:]]
    assert "fewer than 5" in values
    # No count below 5 appears anywhere as a number.
    small = [v for v in values if v.replace(",", "").isdigit() and int(v.replace(",", "")) < 5]
    assert small == []
    whole = [r for r in rows if r[2] == "whole programme" and r[1] == "formed"]
    assert whole[0][4] == "13"


def test_csv_neutralises_a_town_that_looks_like_a_formula(client, programme, coordinator):
    started = timezone.localdate() - dt.timedelta(days=20)
    for _i in range(6):
        pair(programme, town='=HYPERLINK("http://x")', started_on=started)
    client.force_login(coordinator)
    response = _built(client, reverse("reports:report_csv", args=[programme.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    towns = {r[2] for r in rows if r[0] == "By town"}
    assert '\'=HYPERLINK("http://x")' in towns
    assert not any(r[2].startswith("=") for r in rows)


def test_reading_the_report_changes_nothing(client, populated, trustee):
    before = list(Pairing.objects.order_by("pk").values())
    client.force_login(trustee)
    _built(client, reverse("reports:report", args=[populated.pk]))
    client.get(reverse("reports:report_csv", args=[populated.pk]))
    assert list(Pairing.objects.order_by("pk").values()) == before
