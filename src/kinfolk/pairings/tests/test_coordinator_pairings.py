"""The pairings page: active and ended pairings, search, and the all-or-nothing CSV import."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kinfolk.pairings.models import Pairing, PairingImport
from kinfolk.testing import make_cohort, make_pairing


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


def _url(programme):
    return reverse("matching:pairings", args=[programme.pk])


def _csv(text, name="pairs.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_active_pairings_are_listed_and_ended_ones_on_request(signed_in, programme, cohort):
    (v0, v1, *_), (h0, h1, *_) = cohort
    make_pairing(v0, h0)
    make_pairing(v1, h1, state="ended")
    page = signed_in.get(_url(programme)).content.decode()
    assert ">Vol0<" in page and ">Home0<" in page and ">Vol1<" not in page
    assert '<option value="active" selected>' in page
    ended = signed_in.get(_url(programme) + "?state=ended").content.decode()
    assert ">Vol1<" in ended and ">Vol0<" not in ended
    assert reverse("programmes:volunteer_detail", args=[programme.pk, v1.pk]) in ended


def test_pairings_are_searchable_by_name_or_id(signed_in, programme, cohort):
    (v0, v1, *_), (h0, h1, *_) = cohort
    make_pairing(v0, h0)
    make_pairing(v1, h1)
    page = signed_in.get(_url(programme) + "?q=H1").content.decode()
    assert ">Vol1<" in page and ">Vol0<" not in page
    assert "1 pairing<" in page


def test_pairings_are_fifty_a_page(signed_in, programme):
    volunteers, households = make_cohort(programme, n=51)
    for v, h in zip(volunteers, households, strict=True):
        make_pairing(v, h)
    page = signed_in.get(_url(programme)).content.decode()
    assert "Page 1 of 2" in page


HEADER = "volunteer_id,household_id,since,agreed_on\n"


def test_a_good_csv_imports_every_row_as_an_active_pairing(
    signed_in, programme, cohort, coordinator, django_capture_on_commit_callbacks
):
    text = HEADER + "V0,H0,2025-03-01,2025-02-01\nV1,H1,2024-11-15,2024-11-01\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(_url(programme), {"file": _csv(text)}, follow=True)
    page = response.content.decode()
    assert "2 pairings imported. Both sides of each are being told" in page
    pairings = Pairing.objects.order_by("started_on")
    assert [(p.volunteer.external_id, p.state, p.source) for p in pairings] == [
        ("V1", "active", "imported"),
        ("V0", "active", "imported"),
    ]
    assert pairings[0].started_on == dt.date(2024, 11, 15)
    assert all(p.recorded_by == coordinator for p in pairings)
    assert "agreed Nov. 1, 2024, recorded by Cora" in page


def test_a_csv_with_bad_rows_shows_every_problem_and_stores_nothing(signed_in, programme, cohort):
    text = HEADER + (
        "V0,H0,2025-03-01,2025-03-01\n"
        "NOBODY,H1,2025-03-01,2025-03-01\n"
        "V2,H2,yesterday,2025-03-01\n"
        "V0,H3,2025-03-01,2025-03-01\n"
    )
    response = signed_in.post(_url(programme), {"file": _csv(text)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 3 problems to fix." in page
    assert "Row 3, volunteer_id:" in page and "NOBODY" in page
    assert "Row 4, since:" in page
    assert "Row 5, volunteer_id:" in page and "also on row 2" in page
    assert "The first" not in page  # all of them are shown
    assert not Pairing.objects.exists()


def test_many_bad_rows_show_the_first_fifty_the_total_and_a_download_of_all(
    signed_in, programme, cohort
):
    # Three problems a row: an unknown volunteer, an unknown household, a year 0001.
    text = HEADER + "".join(f"=NOBODY{i},X{i},0001-01-01,2025-03-01\n" for i in range(300))
    response = signed_in.post(_url(programme), {"file": _csv(text)})
    page = response.content.decode()
    assert "Nothing was imported: 900 problems to fix." in page
    assert "The first 50 are below." in page
    assert page.count("<li>Row ") == 50
    assert len(page) < 60_000  # a page of 50, not of 900
    report = PairingImport.objects.get()
    link = reverse("matching:import_problems", args=[programme.pk, report.pk])
    assert link in page and "Download all 900 problems as CSV" in page
    download = signed_in.get(link)
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert len(rows) == 901 and rows[1][:3] == ["2", "volunteer_id", "'=NOBODY0"]
    assert not Pairing.objects.exists()


def test_the_problems_download_is_the_programmes_own(
    client, signed_in, programme, other_programme, other_coordinator, cohort
):
    signed_in.post(_url(programme), {"file": _csv(HEADER + "V9,H0,2025-03-01,2025-03-01\n")})
    report = PairingImport.objects.get()
    client.force_login(other_coordinator)
    for programme_id in (programme.pk, other_programme.pk):
        url = reverse("matching:import_problems", args=[programme_id, report.pk])
        assert client.get(url).status_code == 404


def test_a_csv_without_its_columns_names_them(signed_in, programme, cohort):
    response = signed_in.post(_url(programme), {"file": _csv("volunteer,household\nV0,H0\n")})
    page = response.content.decode()
    assert "Row 1, volunteer_id:" in page and "Row 1, agreed_on:" in page
    assert not Pairing.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_beside_the_field(signed_in, programme, cohort):
    upload = SimpleUploadedFile("pairs.csv", "volunteer_id\nJosé\n".encode("latin-1"))
    response = signed_in.post(_url(programme), {"file": upload})
    assert "not UTF-8" in str(response.context["form"].errors["file"])
    assert not Pairing.objects.exists()


def test_another_programmes_coordinator_gets_404_and_imports_nothing(
    client, programme, other_coordinator, cohort
):
    client.force_login(other_coordinator)
    assert client.get(_url(programme)).status_code == 404
    text = HEADER + "V0,H0,2025-03-01,2025-03-01\n"
    assert client.post(_url(programme), {"file": _csv(text)}).status_code == 404
    assert not Pairing.objects.exists()


def test_participants_get_404(client, programme, volunteer, household_user):
    for user in (volunteer.user, household_user):
        client.force_login(user)
        assert client.get(_url(programme)).status_code == 404


def test_the_overview_counts_pairings_proposals_and_who_waits_since_when(
    client, coordinator, programme
):
    from kinfolk.testing import make_household, make_pairing, make_proposal, make_volunteer

    v1, v2, v3 = (make_volunteer(programme) for _ in range(3))
    h1, h2, h3 = (make_household(programme) for _ in range(3))
    make_pairing(v1, h1)
    make_proposal(v2, h2)
    v3.waiting_since = "2025-02-03"
    v3.save(update_fields=["waiting_since"])
    client.force_login(coordinator)
    page = client.get(reverse("programmes:overview", args=[programme.pk])).content.decode()
    assert "active pairings" in page and "proposals awaiting answers" in page
    assert "Feb. 3, 2025" in page
    from kinfolk.pairings.selectors import pairing_counts

    assert pairing_counts(programme=programme) | {"longest_wait": None} == {
        "active": 1,
        "proposals": 1,
        "waiting_volunteers": 1,
        "waiting_households": 1,
        "longest_wait": None,
    }


def test_an_imported_pairing_tells_both_closes_their_proposals_and_plans_visits(
    signed_in, programme, cohort, django_capture_on_commit_callbacks
):
    from django.core import mail

    from kinfolk.pairings.models import Proposal
    from kinfolk.testing import make_proposal
    from kinfolk.visits.models import Visit

    (v0, *_), (h0, h1, *_) = cohort
    open_proposal = make_proposal(v0, h1)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(_url(programme), {"file": _csv(HEADER + "V0,H0,2025-03-01,2025-02-01\n")})
    pairing = Pairing.objects.get()
    readers = {v0.user.email, h0.members.get().user.email}
    assert readers <= {m.to[0] for m in mail.outbox}
    assert Proposal.objects.get(pk=open_proposal.pk).state != "open"
    assert Visit.objects.filter(pairing=pairing).exists()


def test_an_import_of_someone_without_consent_is_refused(signed_in, programme, cohort):
    from kinfolk.people.models import Consent

    (v0, *_), _households = cohort
    Consent.objects.filter(volunteer=v0).delete()
    response = signed_in.post(
        _url(programme), {"file": _csv(HEADER + "V0,H0,2025-03-01,2025-02-01\n")}
    )
    assert "no consent on record" in response.content.decode()
    assert not Pairing.objects.exists()


def test_an_import_dated_in_the_year_0001_is_refused(signed_in, programme, cohort):
    response = signed_in.post(
        _url(programme), {"file": _csv(HEADER + "V0,H0,0001-01-01,0001-01-01\n")}
    )
    assert "Row 2, since:" in response.content.decode()
    assert not Pairing.objects.exists()
