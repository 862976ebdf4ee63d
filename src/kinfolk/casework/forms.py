"""Parsing what coordinators and volunteers type into casework; no business rules here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinfolk.casework.models import BehalfAction, Channel


class NoteForm(forms.Form):
    channel = forms.ChoiceField(label=_("How you were in touch"), choices=Channel.choices)
    words = forms.CharField(
        label=_("Note"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Facts and next steps, not opinions about the person: they can read this note "
            "in their data unless it is marked safeguarding."
        ),
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    safeguarding = forms.BooleanField(
        label=_("Safeguarding: not shown to the person (the page tells them such notes exist)"),
        required=False,
    )


class CheckInForm(NoteForm):
    """A check-in is a note on a pairing; the list names what it answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["words"].label = _("What you heard")


class AskedForm(forms.Form):
    asked_by = forms.ChoiceField(
        label=_("How did they ask?"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.MESSAGE],
    )


_SIMPLE = (
    BehalfAction.Action.PAUSE,
    BehalfAction.Action.RESUME,
    BehalfAction.Action.LEAVE,
    BehalfAction.Action.PAIRING_END,
    BehalfAction.Action.OUTCOME,
    BehalfAction.Action.PASSWORD_LINK,
    BehalfAction.Action.INVITATION_RESEND,
)


class BehalfForm(AskedForm):
    action = forms.ChoiceField(choices=[(a.value, a.label) for a in _SIMPLE])
    #: For a visit's outcome: which visit and whether it happened.
    visit = forms.IntegerField(required=False)
    happened = forms.TypedChoiceField(
        required=False, coerce=lambda v: v == "yes", choices=[("yes", "yes"), ("no", "no")]
    )
    #: For a password link to a household: which adult.
    member = forms.IntegerField(required=False)


class ConcernRaiseForm(forms.Form):
    words = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Only the programme's coordinators read this. The household is never shown it."
        ),
    )


class ConcernActionForm(forms.Form):
    do = forms.ChoiceField(
        choices=[("take", "take"), ("assign", "assign"), ("note", "note"), ("close", "close")]
    )
    words = forms.CharField(required=False, max_length=500)
    owner = forms.IntegerField(required=False)
