"""Every read of contact data by someone else goes through one logged service."""

from django.urls import reverse

from kinfolk.privacy.models import ContactAccessLog
from kinfolk.privacy.services import contact_details_read


def test_reading_returns_the_fields_and_logs_viewer_person_and_day(coordinator, household):
    values = contact_details_read(
        coordinator, household, ["phone", "address", "email"], "detail page"
    )
    assert values["address"] == household.address
    assert values["email"] == "hana@example.org"
    log = ContactAccessLog.objects.get()
    assert (log.viewer_id, log.person_kind, log.person_id) == (
        coordinator.pk,
        "household",
        household.pk,
    )
    assert log.fields == "phone,address,email"


def test_reads_on_one_day_are_grouped_in_one_row(coordinator, household):
    contact_details_read(coordinator, household, ["phone"], "detail page")
    contact_details_read(coordinator, household, ["address"], "pairing review")
    log = ContactAccessLog.objects.get()
    assert log.reads == 2
    assert set(log.fields.split(",")) == {"phone", "address"}
    assert log.reasons == "detail page; pairing review"


def test_reading_your_own_details_is_not_logged(household_user, household, volunteer):
    contact_details_read(household_user, household, ["phone"], "my profile")
    contact_details_read(volunteer.user, volunteer, ["phone"], "my profile")
    assert not ContactAccessLog.objects.exists()


def test_unknown_fields_are_never_returned(coordinator, household):
    assert contact_details_read(coordinator, household, ["phone", "first_name"], "x").keys() == {
        "phone"
    }


def test_person_sees_who_looked_at_their_contact_details(
    client, coordinator, household_user, household
):
    contact_details_read(coordinator, household, ["phone"], "detail page")
    client.force_login(household_user)
    response = client.get(reverse("privacy:my_data"))
    assert b"Cora (coordinator)" in response.content
    assert b"detail page" in response.content


def test_the_log_survives_erasure_of_the_person(coordinator, household):
    # Ids only, no foreign keys: erasing the person leaves the log intact.
    contact_details_read(coordinator, household, ["phone"], "detail page")
    household.delete()
    assert ContactAccessLog.objects.count() == 1


def test_my_data_states_the_one_thing_it_does_not_show(client, volunteer):
    client.force_login(volunteer.user)
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "the visitor is not shown the report" in page
