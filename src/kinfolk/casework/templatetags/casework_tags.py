"""Casework panels other apps' pages include: one line each, so those pages stay theirs."""

from __future__ import annotations

from typing import Any

from django import template

from kinfolk.casework.forms import NoteForm
from kinfolk.casework.selectors import (
    behalf_list,
    concern_open_count,
    note_list,
    person_pairing_list,
    records_about,
    records_glance,
)

register = template.Library()

#: Rows of a person's log shown on the coordinator's person page.
SHOWN = 20


@register.inclusion_tag("casework/_person_panel.html", takes_context=True)
def casework_person(context: Any, programme: Any, person: Any) -> dict[str, Any]:
    """Notes, actions on their behalf and pairings' stories, on the coordinator's person page."""
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "programme": programme,
        "person": person,
        "kind": person.side,
        "notes": list(note_list(person=person)[:SHOWN]),
        "actions": list(behalf_list(person=person)[:SHOWN]),
        "pairings": list(person_pairing_list(person=person)),
        "note_form": NoteForm(auto_id=f"id_{person.side}_note_%s"),
    }


@register.inclusion_tag("casework/_overview.html")
def casework_overview(programme: Any) -> dict[str, Any]:
    """The casework card of the programme overview: the open concerns badge and the to-do."""
    return {"programme": programme, "open_concerns": concern_open_count(programme=programme)}


@register.inclusion_tag("casework/_records_about.html")
def casework_records_about(person: Any) -> dict[str, Any]:
    """The "notes and actions about me" section of My data."""
    return {"person": person, "records": records_about(person)}


@register.inclusion_tag("casework/_own.html")
def casework_own(person: Any) -> dict[str, Any]:
    """On a participant's own page: what coordinators did for them, and that notes exist."""
    glance = records_glance(person)
    return {"person": person, "actions": glance.actions, "n_notes": glance.n_notes}
