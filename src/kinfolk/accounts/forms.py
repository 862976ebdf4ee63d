from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from kinfolk.accounts.identifiers import sign_in_name_normalise
from kinfolk.accounts.services.passwords import password_reset_request


class LoginForm(AuthenticationForm):
    # Someone invited by text message signs in with their mobile number.
    username = forms.CharField(
        label=_("E-mail address or mobile number"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )

    def clean_username(self) -> str:
        return sign_in_name_normalise(str(self.cleaned_data["username"]))


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, device: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"])
        if not code.isdigit() or not self.device.verify_token(code):
            raise forms.ValidationError(_("That code is not right; codes change every 30 seconds."))
        return code


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, handing the address or number to a background job whatever it is.

    An account that signs in with its phone number gets its link by text message.
    """

    email = forms.CharField(  # type: ignore[assignment]
        label=_("E-mail address or mobile number"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}
        ),
    )

    def clean_email(self) -> str:
        name = sign_in_name_normalise(str(self.cleaned_data["email"]))
        if "@" not in name and not name.startswith("+"):
            raise forms.ValidationError(
                _("Give the e-mail address or the mobile number you sign in with.")
            )
        return name

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Django's save() sends at once, and only when an account exists: the
        # answer's timing would tell who has an account.
        password_reset_request(email=self.cleaned_data["email"])


class LanguageForm(forms.Form):
    """The language picker at the foot of every page."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
