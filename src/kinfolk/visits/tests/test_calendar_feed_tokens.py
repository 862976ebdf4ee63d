"""Calendar feed addresses: the token is shown once, the database keeps only its SHA-256."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from kinfolk.accounts.tokens import token_hash
from kinfolk.visits.models import CalendarFeed
from kinfolk.visits.selectors import feed_visits_get
from kinfolk.visits.services.feeds import calendar_feed_create


def test_only_the_hash_of_the_token_is_stored(volunteer_user, volunteer):
    feed = calendar_feed_create(user=volunteer_user, person=volunteer)
    stored = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert feed.token not in " ".join(str(v) for v in stored.values())
    assert stored["token_hash"] == token_hash(feed.token)


def test_the_stored_hash_used_as_an_address_opens_nothing(client, volunteer_user, volunteer):
    feed = calendar_feed_create(user=volunteer_user, person=volunteer)
    assert client.get(reverse("visits:feed", args=[feed.token])).status_code == 200
    assert client.get(reverse("visits:feed", args=[feed.token_hash])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_addresses_made_before_tokens_were_hashed_keep_working():
    before, after = ("visits", "0001_initial"), ("visits", "0002_calendar_feed_token_hash")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    # The models as the database now is: this app before, the others as they are.
    loader = MigrationExecutor(connection).loader
    old = loader.project_state(list(loader.applied_migrations)).apps
    user = old.get_model("accounts", "User").objects.create(
        email="vera@example.org", first_name="Vera", password="!"
    )
    programme = old.get_model("programmes", "Programme").objects.create(
        name="Old", country="GB", centre_lat=53.8, centre_lon=-1.5, radius_km=30
    )
    volunteer = old.get_model("people", "Volunteer").objects.create(
        programme_id=programme.pk,
        user_id=user.pk,
        external_id="V1",
        first_name="Vera",
        town="Leeds",
        lat=53.8,
        lon=-1.5,
    )
    old.get_model("visits", "CalendarFeed").objects.create(
        user_id=user.pk, side="volunteer", person_id=volunteer.pk, token="an-old-feed-token"
    )
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    side, visits = feed_visits_get(token="an-old-feed-token")
    assert (side, visits) == ("volunteer", [])
    assert CalendarFeed.objects.get().token_hash == token_hash("an-old-feed-token")
