"""Claims' tests keep their uploaded receipts in the test's own folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _receipts_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
