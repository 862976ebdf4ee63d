"""What erasure removes from the imports app: where an imported person's invitation went."""

from __future__ import annotations

from typing import Any

from kinfolk.imports.models import Invitee
from kinfolk.privacy.erasure import eraser_register


@eraser_register
def invitee_erase(person: Any) -> list[str]:
    """Delete the person's invitee row (their e-mail address and the import that named them).

    The upload's own rows are purged by the imports' daily job; its counts stay.
    """
    Invitee.objects.filter(**{person.side: person}).delete()
    return []
