"""What erasure removes from the casework: every record about the person and their pairings.

Notes, check-ins and concerns about a pairing speak of both its people, so
erasing either side removes them, as erasure does with reports about visitors.
"""

from __future__ import annotations

from typing import Any

from kinfolk.casework.models import BehalfAction, CaseNote, Concern, UnreachablePerson
from kinfolk.pairings.models import Pairing
from kinfolk.privacy.erasure import eraser_register


@eraser_register
def casework_erase(person: Any) -> list[str]:
    """Delete the notes, actions on their behalf and concerns about the person."""
    pairings = Pairing.objects.filter(**{person.side: person}).values("pk")
    CaseNote.objects.filter(**{person.side: person}).delete()
    CaseNote.objects.filter(pairing__in=pairings).delete()
    BehalfAction.objects.filter(**{person.side: person}).delete()
    BehalfAction.objects.filter(pairing__in=pairings).delete()
    Concern.objects.filter(pairing__in=pairings).delete()  # their notes go with them
    UnreachablePerson.objects.filter(**{person.side: person}).delete()
    return []
