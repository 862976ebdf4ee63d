"""Names people typed are isolated on every page: a right-to-left override stays inside them.

Every first name, last name, town, programme and organisation name, place
note and report in the walk (``pages.py``) starts with U+202E (RIGHT-TO-LEFT
OVERRIDE).  On every page, as every kind of person, each such character must
sit inside ``<bdi>`` or between the isolates FSI and PDI (where no markup can
go: a title, an option); inputs and attributes hold the text as typed.
Calendar files are not pages and are left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from kinfolk.pairings.models import VisitorReport
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.visits.models import TimeProposal, Visit
from kinfolk.web.bidi import FSI, PDI
from tests.charter.pages import pages_walk, world_build

RLO = "\u202e"
SKIPPED = {"textarea", "script", "style"}
ISOLATED = re.compile(f"{FSI}[^{PDI}]*{PDI}")


class _Exposed(HTMLParser):
    """Text outside ``<bdi>`` that holds an override not wrapped in FSI ... PDI."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"bdi": 0, "skip": 0}
        self.exposed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "bdi":
            self.depth["bdi"] += 1
        self.depth["skip"] += tag in SKIPPED

    def handle_endtag(self, tag: str) -> None:
        if tag == "bdi":
            self.depth["bdi"] -= 1
        if tag in SKIPPED:
            self.depth["skip"] -= 1

    def handle_data(self, data: str) -> None:
        if self.depth["bdi"] or self.depth["skip"]:
            return
        if RLO in ISOLATED.sub("", data):
            self.exposed.append(" ".join(data.split())[:60])


def exposed(page: str) -> list[str]:
    parser = _Exposed()
    parser.feed(page)
    return parser.exposed


def test_the_check_sees_only_overrides_that_are_not_isolated():
    page = (
        f"<title>{FSI}{RLO}Ana{PDI}</title><p><bdi>{RLO}Ana</bdi> and {RLO}Bo</p>"
        f'<input value="{RLO}Cy"><textarea>{RLO}Di</textarea>'
    )
    assert exposed(page) == [f"and {RLO}Bo"]


def _names() -> dict[str, str]:
    keys = ["vera", "hana", "vic", "olu", "pia", "bea", "hana_adult", "kofi_adult"]
    keys += ["olu_adult", "cora", "otto", "stan"]
    return {key: f"{RLO}{key.title()}" for key in keys}


def _everything_typed_is_reversed(world) -> None:
    for model in (Volunteer, Household):
        model.objects.update(last_name=f"{RLO}Smith", town=f"{RLO}Leeds")
    for programme in Programme.objects.all():
        programme.name = f"{RLO}{programme.name}"
        programme.save(update_fields=["name"])
        Organisation.objects.create(programme=programme, name=f"{RLO}Club", kind="club")
    Volunteer.objects.update(organisation=Organisation.objects.first())
    Visit.objects.update(host="public", place_note=f"{RLO}Library café")
    TimeProposal.objects.update(place_note=f"{RLO}Library café")
    for pairing in world.rows.get("pairing", []):
        VisitorReport.objects.create(pairing=pairing, words=f"{RLO}It went wrong")


@pytest.mark.parametrize("state", ["proposal_open", "active"])
def test_every_name_on_every_page_is_isolated(db, state):
    world = world_build(state, names=_names())
    _everything_typed_is_reversed(world)
    found = [
        f"{url} as the {key}: {text!r}"
        for key, _viewer, url, page in pages_walk(world, html_only=True)
        for text in exposed(page)
    ]
    assert found == [], "names not isolated:\n" + "\n".join(sorted(set(found)))


def test_a_name_in_a_page_message_is_isolated(client, programme, coordinator):
    client.force_login(coordinator)
    data = {
        "role": "volunteer",
        "given_on": "2026-02-03",
        "first_name": f"{RLO}Pearl",
        "town": "Leeds",
        "max_travel_km": "10",
        "visit_places": "either",
        "speaks": "en:fluent",
        "availability": ["mon-am"],
        "travel_mode": "public",
    }
    url = reverse("programmes:paper_consent", args=[programme.pk])
    page = client.post(url, data, follow=True).content.decode()
    assert f"<bdi>{RLO}Pearl</bdi> is enrolled" in page
    assert exposed(page) == []
