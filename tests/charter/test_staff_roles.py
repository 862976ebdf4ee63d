"""Charter rule 5 for staff roles, tried against every page of the URL configuration.

A viewer (a funder, a trustee) reads counts and charts: no page shows them a
person, and every page that takes a person's, pairing's or run's id is a 404.
A coordinator limited to one organisation (or to one region) gets a 404 on
every page that takes the id of someone outside it (or of a pairing, proposal,
run or visit of theirs), and no page they open names such a person.

Ids are filled from the whole programme (as its unlimited coordinator would
open them), so every row of the walk is tried.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.charter.pages import STATES, World, _fill, _patterns, world_build

#: URL parameters that name a person or something two people share.
PERSONAL = {
    "person_id",
    "volunteer_id",
    "household_id",
    "pairing_id",
    "proposal_id",
    "visit_id",
    "time_id",
    "run_id",
    "exclusion_id",
    "invitation_id",
    "import_id",
}

#: First names no page prints unless it shows that person.
NAMES = {
    "vera": "Zorvera",
    "hana": "Zorhana",
    "vic": "Zorvic",
    "olu": "Zorolu",
    "pia": "Zorpia",
    "bea": "Zorbea",
    "ines": "Zorines",
    "ren": "Zorren",
}


def _urls(world: World) -> list[tuple[str, bool]]:
    """(url, takes a personal id) for every page, with every Leeds row the walk knows."""
    filler = world.viewers["coordinator"]
    found = []
    for name, params, defaults in _patterns():
        personal = bool(PERSONAL & set(params))
        kinds = ("volunteer", "household") if "kind" in params else (defaults.get("kind"),)
        for kind in kinds:
            urls = _fill(world, filler, name, params, kind, in_url="kind" in params)
            found += [(url, personal) for url in urls]
    return sorted(set(found))


def _walk(world: World, key: str):
    client = Client()
    client.force_login(world.viewers[key])
    for url, personal in _urls(world):
        response = client.get(url)
        text = "" if response.streaming else response.content.decode(errors="replace")
        yield url, personal, response.status_code, text


def _shown(world: World, text: str, keys) -> list[str]:
    shown = []
    for key in keys:
        person = world.people[key]
        if NAMES[key] in text or person.external_id in text:
            shown.append(key)
    return shown


@pytest.mark.parametrize("state", STATES)
def test_viewer_sees_no_person_on_any_page(db, state):
    world = world_build(state, names=NAMES)
    wrong, opened = [], []
    for url, personal, status, text in _walk(world, "viewer"):
        if status != 200:
            continue
        opened.append(url)
        if personal:
            wrong.append(f"{url} takes a personal id and answered 200")
        for key in _shown(world, text, world.people):
            wrong.append(f"{url} shows {key}")
    assert wrong == [], "\n".join(wrong)
    leeds = world.rows["programme"][0]
    assert reverse("staff:figures", args=[leeds.pk]) in opened
    assert reverse("reports:report", args=[leeds.pk]) in opened


@pytest.mark.parametrize("state", STATES)
def test_organisation_limited_coordinator_reaches_no_one_outside_their_organisation(db, state):
    world = world_build(state, names=NAMES)
    outside = [k for k in world.people if k != "ines"]
    wrong, opened = [], []
    ines = world.people["ines"]
    for url, personal, status, text in _walk(world, "organisation-limited coordinator"):
        if status != 200:
            continue
        opened.append(url)
        if personal and f"/{ines.pk}/" not in url:
            wrong.append(f"{url} takes someone else's id and answered 200")
        for key in _shown(world, text, outside):
            wrong.append(f"{url} shows {key}")
    assert wrong == [], "\n".join(wrong)
    leeds = world.rows["programme"][0]
    # The walk reached their own volunteer and the programme's lists.
    assert reverse("programmes:volunteer_detail", args=[leeds.pk, ines.pk]) in opened
    assert reverse("programmes:volunteers", args=[leeds.pk]) in opened


@pytest.mark.parametrize("state", STATES)
def test_region_limited_coordinator_reaches_no_one_outside_their_region(db, state):
    world = world_build(state, names=NAMES)
    outside = [k for k in world.people if k != "ren"]
    wrong, opened = [], []
    ren = world.people["ren"]
    for url, personal, status, text in _walk(world, "region-limited coordinator"):
        if status != 200:
            continue
        opened.append(url)
        if personal and f"/{ren.pk}/" not in url:
            wrong.append(f"{url} takes someone else's id and answered 200")
        for key in _shown(world, text, outside):
            wrong.append(f"{url} shows {key}")
    assert wrong == [], "\n".join(wrong)
    leeds = world.rows["programme"][0]
    # The walk reached their own volunteer, the programme's lists and the regions page.
    assert reverse("programmes:volunteer_detail", args=[leeds.pk, ren.pk]) in opened
    assert reverse("programmes:volunteers", args=[leeds.pk]) in opened
    assert reverse("regions:regions", args=[leeds.pk]) in opened
