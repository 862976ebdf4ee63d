"""What erasure removes from the introductions app: the person's own words about themselves."""

from __future__ import annotations

from typing import Any

from kinfolk.introductions.models import Introduction
from kinfolk.privacy.erasure import eraser_register


@eraser_register
def introduction_erase(person: Any) -> list[str]:
    """Delete the person's "about me" and interests; no copies of them live elsewhere."""
    Introduction.objects.filter(**{person.side: person}).delete()
    return []
