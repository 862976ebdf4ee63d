"""The navigation bar on every page: each role's link, read in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinfolk.people.selectors import nav_roles_get, roles_get
from kinfolk.staff.models import Viewer
from kinfolk.testing import (
    make_coordinator,
    make_household,
    make_programme,
    make_user,
    make_volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_user():
    """Someone who coordinates one programme, views a second, volunteers in both, is a household."""
    leeds, york = make_programme("Leeds Befriending"), make_programme("York Welcome")
    user = make_user(first_name="Ada")
    make_coordinator(leeds, user=user)
    Viewer.objects.create(programme=york, user=user)
    volunteers = [make_volunteer(leeds, user=user), make_volunteer(york, user=user)]
    household = make_household(york, users=(user,))
    return user, leeds, york, volunteers, household


def test_the_navigation_links_every_role_with_its_programme(client, busy_user):
    user, leeds, york, volunteers, household = busy_user
    client.force_login(user)
    nav = client.get(reverse("privacy:my_data")).content.decode().split("</nav>")[0]
    assert f'href="{reverse("programmes:overview", args=[leeds.pk])}"' in nav
    assert f'href="{reverse("staff:figures", args=[york.pk])}"' in nav
    for volunteer in volunteers:
        assert f'href="{reverse("people:volunteer_home", args=[volunteer.pk])}"' in nav
    assert f'href="{reverse("people:household_home", args=[household.pk])}"' in nav
    # Two volunteer roles: each link names its programme.
    assert "Volunteering · <bdi>Leeds Befriending</bdi>" in nav
    assert "Volunteering · <bdi>York Welcome</bdi>" in nav


def test_the_navigation_reads_the_same_roles_as_the_home_page_in_one_query(busy_user):
    user = busy_user[0]
    whole = roles_get(viewer=user)
    with CaptureQueriesContext(connection) as queries:
        nav = nav_roles_get(viewer=user)
    assert len(queries.captured_queries) == 1
    assert [r.pk for r in nav.programmes] == [p.pk for p in whole.programmes]
    assert [r.pk for r in nav.viewing] == [p.pk for p in whole.viewing]
    assert [r.pk for r in nav.volunteers] == sorted(v.pk for v in whole.volunteers)
    assert [r.pk for r in nav.households] == [h.pk for h in whole.households]
    assert [r.programme_name for r in nav.volunteers] == ["Leeds Befriending", "York Welcome"]


def test_someone_without_roles_has_an_empty_navigation(client):
    user = make_user()
    assert nav_roles_get(viewer=user).programmes == []
    client.force_login(user)
    assert client.get(reverse("privacy:my_data")).status_code == 200
