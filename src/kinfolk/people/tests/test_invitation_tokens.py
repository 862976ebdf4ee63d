"""Invitation links: the token travels in the e-mail, the database keeps only its SHA-256."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from kinfolk.accounts.tokens import token_hash
from kinfolk.people.models import Invitation
from kinfolk.people.selectors import invitation_by_token
from kinfolk.people.services import coordination


@pytest.fixture
def sent(programme, coordinator, django_capture_on_commit_callbacks):
    """An invitation sent by the service, and the token its e-mail carries."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = coordination.invitation_create(
            programme=programme,
            created_by=coordinator,
            role="volunteer",
            email="ines@example.org",
            first_name="Ines",
        )
    token = re.search(r"/invite/([^/\s]+)/", mail.outbox[0].body).group(1)
    return invitation, token


def test_only_the_hash_of_the_token_is_stored(sent):
    invitation, token = sent
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in " ".join(str(v) for v in stored.values())
    assert stored["token_hash"] == token_hash(token)


def test_the_link_in_the_e_mail_opens_the_invitation(client, sent):
    _invitation, token = sent
    assert client.get(reverse("people:invitation_accept", args=[token])).status_code == 200


def test_the_stored_hash_used_as_a_link_opens_nothing(client, sent):
    # What a copy of the database holds is not a key to any invitation.
    invitation, _token = sent
    url = reverse("people:invitation_accept", args=[invitation.token_hash])
    assert client.get(url).status_code == 404


def test_a_household_adults_invitation_stores_only_the_hash_too(
    household, household_user, django_capture_on_commit_callbacks
):
    from kinfolk.people.services.participation import household_adult_invite

    with django_capture_on_commit_callbacks(execute=True):
        invitation = household_adult_invite(
            household=household, invited_by=household_user, first_name="Kofi", email="k@e.org"
        )
    token = re.search(r"/invite/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert Invitation.objects.get(pk=invitation.pk).token_hash == token_hash(token)


@pytest.mark.django_db(transaction=True)
def test_links_sent_before_tokens_were_hashed_keep_working():
    before, after = (
        ("people", "0005_consent_withdrawal_recorded_by"),
        ("people", "0006_invitation_token_hash"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    # The models as the database now is: this app before, the others as they are.
    loader = MigrationExecutor(connection).loader
    old = loader.project_state(list(loader.applied_migrations)).apps
    programme = old.get_model("programmes", "Programme").objects.create(
        name="Old", country="GB", centre_lat=53.8, centre_lon=-1.5, radius_km=30
    )
    old.get_model("people", "Invitation").objects.create(
        programme_id=programme.pk,
        role="volunteer",
        email="old@example.org",
        first_name="Olga",
        token="an-old-plain-token",
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    found = invitation_by_token(token="an-old-plain-token")
    assert found.email == "old@example.org"
    assert found.token_hash == token_hash("an-old-plain-token")
