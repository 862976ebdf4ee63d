"""The pairings page: active and ended pairings, search, and the all-or-nothing CSV import."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kinfolk.pairings.models import Pairing
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


def test_a_good_csv_imports_every_row_as_an_active_pairing(signed_in, programme, cohort):
    text = "volunteer_id,household_id,since\nV0,H0,2025-03-01\nV1,H1,2024-11-15\n"
    response = signed_in.post(_url(programme), {"file": _csv(text)}, follow=True)
    assert "2 pairings imported" in response.content.decode()
    pairings = Pairing.objects.order_by("started_on")
    assert [(p.volunteer.external_id, p.state, p.source) for p in pairings] == [
        ("V1", "active", "imported"),
        ("V0", "active", "imported"),
    ]
    assert pairings[0].started_on == dt.date(2024, 11, 15)


def test_a_csv_with_bad_rows_shows_every_problem_and_stores_nothing(signed_in, programme, cohort):
    text = (
        "volunteer_id,household_id,since\n"
        "V0,H0,2025-03-01\n"
        "NOBODY,H1,2025-03-01\n"
        "V2,H2,yesterday\n"
        "V0,H3,2025-03-01\n"
    )
    response = signed_in.post(_url(programme), {"file": _csv(text)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 3 problems to fix." in page
    assert "Row 3, volunteer_id:" in page and "NOBODY" in page
    assert "Row 4, since:" in page
    assert "Row 5, volunteer_id:" in page and "also on row 2" in page
    assert not Pairing.objects.exists()


def test_a_csv_without_its_columns_names_them(signed_in, programme, cohort):
    response = signed_in.post(_url(programme), {"file": _csv("volunteer,household\nV0,H0\n")})
    page = response.content.decode()
    assert "Row 1, volunteer_id:" in page and "Row 1, since:" in page
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
    text = "volunteer_id,household_id,since\nV0,H0,2025-03-01\n"
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
