"""The form a participant writes their introduction with."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinfolk.introductions.models import ABOUT_MAX, INTERESTS_MAX


class IntroductionForm(forms.Form):
    about_me = forms.CharField(
        label=gettext_lazy("About me"),
        max_length=ABOUT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ABOUT_MAX}),
    )
    interests = forms.CharField(
        label=gettext_lazy("Interests"),
        max_length=INTERESTS_MAX,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": INTERESTS_MAX}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request, in the reader's language (a lazy text with % would not be).
        self.fields["about_me"].help_text = _(
            "Optional, at most %(n)s characters: a few friendly words for the person you are "
            "proposed to meet. Do not write about health, disability, religion or beliefs, "
            "politics, nationality or where you come from, nor your address or phone number."
        ) % {"n": ABOUT_MAX}
        self.fields["interests"].help_text = _(
            "Optional, at most %(n)s characters, such as cooking, football, board games."
        ) % {"n": INTERESTS_MAX}
