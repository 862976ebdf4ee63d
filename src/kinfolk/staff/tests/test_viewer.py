"""A viewer reads a programme's counts and charts, and never sees a person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.staff.models import Viewer
from kinfolk.testing import make_pairing, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def trustee(programme):
    user = make_user("tess@example.org", first_name="Tess")
    Viewer.objects.create(programme=programme, user=user)
    return user


def test_viewer_reads_the_figures_without_any_name(
    client, trustee, programme, volunteer, household
):
    make_pairing(volunteer, household)
    client.force_login(trustee)
    response = client.get(reverse("staff:figures", args=[programme.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Leeds Befriending" in text
    # One pairing: withheld, as in the outcome report (being counted until it is built).
    assert response.context["figures"].active is None
    assert "being counted" in text
    for name in ("Vera", "Hana", volunteer.external_id, household.external_id, "vera@"):
        assert name not in text


def test_viewer_lands_on_the_figures(client, trustee, programme):
    client.force_login(trustee)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("staff:figures", args=[programme.pk])


@pytest.mark.parametrize(
    "name",
    [
        "programmes:overview",
        "programmes:volunteers",
        "programmes:households",
        "programmes:invitations",
        "programmes:organisations",
        "matching:runs",
        "matching:pairings",
        "matching:reports",
        "visits:programme_dashboard",
        "visits:programme_check_in",
    ],
)
def test_viewer_opens_no_page_of_people(client, trustee, programme, name):
    client.force_login(trustee)
    assert client.get(reverse(name, args=[programme.pk])).status_code == 404


def test_viewer_opens_no_person_page(client, trustee, programme, volunteer, household):
    client.force_login(trustee)
    for url in (
        reverse("programmes:volunteer_detail", args=[programme.pk, volunteer.pk]),
        reverse("programmes:household_detail", args=[programme.pk, household.pk]),
    ):
        assert client.get(url).status_code == 404


def test_viewer_of_one_programme_gets_404_for_another(client, trustee, other_programme):
    client.force_login(trustee)
    assert client.get(reverse("staff:figures", args=[other_programme.pk])).status_code == 404


def test_participants_and_strangers_get_404_for_the_figures(
    client, programme, volunteer, household_user
):
    url = reverse("staff:figures", args=[programme.pk])
    for user in (volunteer.user, household_user, make_user("stan@example.org")):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_coordinator_reads_the_figures_too(client, coordinator, programme):
    client.force_login(coordinator)
    assert client.get(reverse("staff:figures", args=[programme.pk])).status_code == 200


def test_removed_viewer_is_refused_on_the_next_page(client, trustee, programme):
    client.force_login(trustee)
    url = reverse("staff:figures", args=[programme.pk])
    assert client.get(url).status_code == 200
    Viewer.objects.filter(user=trustee).delete()
    assert client.get(url).status_code == 404
