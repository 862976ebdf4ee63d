"""The migration that moves phone and address off the people keeps every value, both ways."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("people", "0002_list_indexes"), ("privacy", "0001_initial")]
AFTER = [("people", "0003_contact_details_moved_to_privacy"), ("privacy", "0002_contact_details")]


def _migrate(targets):
    """Migrate to ``targets``; the models as every migration still applied leaves them."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


def _people_before(apps):
    programme = apps.get_model("programmes", "Programme").objects.create(
        name="Leeds", country="GB", centre_lat=53.8, centre_lon=-1.5, radius_km=40
    )
    place = {"programme": programme, "town": "Leeds", "lat": 53.8, "lon": -1.5}
    Volunteer, Household = (
        apps.get_model("people", "Volunteer"),
        apps.get_model("people", "Household"),
    )
    return {
        "vera": Volunteer.objects.create(
            external_id="V1", first_name="Vera", phone="0113 1", address="1 Hill Rise", **place
        ).pk,
        "nobody": Volunteer.objects.create(external_id="V2", first_name="Nia", **place).pk,
        "hana": Household.objects.create(
            external_id="H1", first_name="Hana", phone="", address="2 Mill Lane", **place
        ).pk,
    }


@pytest.mark.django_db(transaction=True)
def test_phone_and_address_move_to_the_privacy_app_and_back():
    try:
        ids = _people_before(_migrate(BEFORE))
        ContactDetails = _migrate(AFTER).get_model("privacy", "ContactDetails")
        stored = set(
            ContactDetails.objects.values_list("volunteer_id", "household_id", "phone", "address")
        )
        # Nobody with nothing stored gets an empty row.
        assert stored == {
            (ids["vera"], None, "0113 1", "1 Hill Rise"),
            (None, ids["hana"], "", "2 Mill Lane"),
        }
        Volunteer = _migrate(BEFORE).get_model("people", "Volunteer")
        assert Volunteer.objects.get(pk=ids["vera"]).address == "1 Hill Rise"
        assert Volunteer.objects.get(pk=ids["nobody"]).phone == ""
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_access_log_labels_are_split_into_name_and_role():
    logs = [("Cora (coordinator, volunteer)", 1), ("Hana (household)", 2), ("Ada (staff)", 3)]
    try:
        Log = _migrate([("privacy", "0002_contact_details")]).get_model(
            "privacy", "ContactAccessLog"
        )
        for label, viewer in logs:
            Log.objects.create(
                viewer_id=viewer,
                viewer_label=label,
                person_kind="household",
                person_id=1,
                day="2026-01-01",
                fields="phone",
                reasons="x",
                last_read_at="2026-01-01T00:00:00Z",
            )
        Log = _migrate([("privacy", "0003_access_log_shows_roles_and_appointments")]).get_model(
            "privacy", "ContactAccessLog"
        )
        found = set(Log.objects.values_list("viewer_label", "viewer_role", "viewer_is_site_admin"))
        assert found == {
            ("Cora", "coordinator", False),
            ("Hana", "partner", False),
            ("Ada", "", True),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
