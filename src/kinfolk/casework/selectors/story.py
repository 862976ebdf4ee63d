"""A pairing's story, in order: proposed by which run and why, the answers, every visit
window, the notes, check-ins and actions, any concerns, and how it ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from kinfolk.casework.models import BehalfAction, CaseNote, Concern
from kinfolk.casework.selectors.records import behalf_list, note_list
from kinfolk.pairings.explain import proposal_facts
from kinfolk.pairings.models import Pairing, Proposal
from kinfolk.visits.models import Visit


@dataclass
class Story:
    pairing: Pairing
    proposal: Proposal | None
    #: (label, value) of why the pair was proposed, in words.
    why: list[tuple[str, str]] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    actions: list[BehalfAction] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)


def _visits(pairing: Pairing) -> QuerySet[Visit]:
    return Visit.objects.filter(pairing=pairing).order_by("window_start", "id")


def pairing_story(*, pairing: Pairing) -> Story:
    """Everything about one pairing a coordinator needs, in a fixed number of queries."""
    proposal = pairing.proposal
    why: list[tuple[Any, Any]] = proposal_facts(proposal) if proposal is not None else []
    return Story(
        pairing=pairing,
        proposal=proposal,
        why=why,
        visits=list(_visits(pairing)),
        notes=list(note_list(pairing=pairing).order_by("written_at", "id")),
        actions=list(behalf_list(pairing=pairing).order_by("acted_at", "id")),
        concerns=list(
            Concern.objects.filter(pairing=pairing).select_related("owner").order_by("created_at")
        ),
    )
