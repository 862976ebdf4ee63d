"""404 and 500 pages wear the site's layout and offer a way back home, with DEBUG off."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def _looks_like_the_site(text: str) -> None:
    assert 'class="topbar"' in text  # templates/base.html
    assert 'class="footer"' in text
    assert f'href="{reverse("home")}"' in text
    assert "Back to the home page" in text


def test_unknown_address_shows_the_404_page_in_the_site_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    _looks_like_the_site(response.content.decode())
    assert "This page is not here" in response.content.decode()


def test_signed_in_person_sees_their_navigation_on_the_404_page(client, coordinator, programme):
    client.force_login(coordinator)
    response = client.get(reverse("programmes:overview", args=[programme.pk + 999]))
    assert response.status_code == 404
    text = response.content.decode()
    _looks_like_the_site(text)
    assert "Leeds Befriending" in text  # the navigation: their own programme


@pytest.mark.urls("kinfolk.web.tests.urls_failing")
def test_failing_page_shows_the_500_page_in_the_site_layout():
    client = Client(raise_request_exception=False)
    response = client.get("/fails/")
    assert response.status_code == 500
    text = response.content.decode()
    _looks_like_the_site(text)
    assert "Something went wrong on our side" in text
    assert "RuntimeError" not in text and "Traceback" not in text
