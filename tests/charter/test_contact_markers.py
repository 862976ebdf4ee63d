"""Charter rules 4 and 5, tried on every page: contact details show only where the rule allows.

Every contact field of every person (phone, address, each adult's e-mail)
holds a unique marker.  Every page is opened by every kind of person in every
pairing state (``pages.py``), and a marker may appear only to the person
themselves, to the other side of an active pairing (a paused person's
pairing stands), or to a coordinator of the person's programme; and every
appearance to someone else must have been logged by that very request.

The rule is restated here on purpose rather than asked of the privacy
service: the test checks the service, so it cannot lean on it.
"""

from __future__ import annotations

import pytest
from django.db import connection

from kinfolk.privacy.models import ContactAccessLog
from kinfolk.privacy.services import contact_details_write
from tests.charter.pages import STATES, World, pages_walk, world_build


def _markers(world: World) -> dict[str, tuple[str, str]]:
    """marker -> (person key, field): fresh values in every contact field."""
    found = {}
    for n, (key, person) in enumerate(world.people.items()):
        # Phones are stored as valid E.164 numbers: a unique one per person.
        phone, address = f"+4411349609{n:02d}", f"zq{n:02d}address"
        contact_details_write(person=person, phone=phone, address=address)
        found |= {phone: (key, "phone"), address: (key, "address")}
        owners = world.owners(person)
        for m, user in enumerate(u for u in world.viewers.values() if u.pk in owners):
            user.email = f"zq{n:02d}mail{m}@example.org"
            user.save(update_fields=["email"])
            found[user.email] = (key, "email")
    return found


def _allowed(world: World, person, viewer) -> bool:
    return viewer.pk in (world.owners(person) | world.partners(person) | world.coordinators(person))


def _logged(viewer, person, field: str) -> bool:
    rows = ContactAccessLog.objects.filter(
        viewer_id=viewer.pk, person_kind=person.side, person_id=person.pk
    )
    return any(field in row.fields.split(",") for row in rows)


@pytest.mark.parametrize("state", STATES)
def test_contact_details_appear_only_where_the_rule_allows_and_every_read_is_logged(db, state):
    world = world_build(state)
    markers = _markers(world)
    wrong, unlogged, shown = [], [], set()

    def fresh_log():
        # The log refuses DELETE on PostgreSQL (append-only); TRUNCATE is the test's own reset.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE privacy_contactaccesslog")
        else:
            ContactAccessLog.objects.all().delete()

    for key, viewer, url, page in pages_walk(world, before_each=fresh_log):
        for marker, (person_key, field) in markers.items():
            if marker not in page:
                continue
            person = world.people[person_key]
            shown.add((key, person_key))
            if not _allowed(world, person, viewer):
                wrong.append(f"{person_key}'s {field} shown to the {key} on {url}")
            elif viewer.pk not in world.owners(person) and not _logged(viewer, person, field):
                unlogged.append(f"{person_key}'s {field} shown to the {key} on {url}, not logged")
    assert wrong == [], "\n".join(wrong)
    assert unlogged == [], "\n".join(unlogged)
    # The walk reached the pages where details are rightly shown.
    assert {("volunteer", "vera"), ("coordinator", "pia"), ("coordinator", "hana")} <= shown
    if state in ("active", "paused"):
        assert {("volunteer", "hana"), ("second household adult", "vera")} <= shown
