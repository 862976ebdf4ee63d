"""After a restore, the ledger erases again whoever was erased after the backup was taken."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from kinfolk.people.models import Household
from kinfolk.privacy.erasure import person_erase, reapply_ledger
from kinfolk.privacy.models import ErasureRecord


def test_reapplying_erases_rows_a_restore_brought_back(household, household_user, programme):
    # Simulate a restore: the ledger says "erased", the rows are back as they were.
    ErasureRecord.objects.create(
        kind="household", erased_id=household.pk, erased_at="2026-11-01T00:00Z"
    )
    ErasureRecord.objects.create(
        kind="account", erased_id=household_user.pk, erased_at="2026-11-01T00:00Z"
    )
    assert reapply_ledger() == 1
    assert Household.objects.get(pk=household.pk).is_erased
    assert not get_user_model().objects.filter(pk=household_user.pk).exists()


def test_reapplying_twice_changes_nothing(household):
    person_erase(person=household)
    assert reapply_ledger() == 0
    assert reapply_ledger() == 0
