from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from kinfolk.accounts.services.passwords import password_reset_request


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).lower()


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
    """Django's reset form, handing the e-mail to a background job whatever the address."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Django's save() sends at once, and only when an account exists: the
        # answer's timing would tell who has an account.
        password_reset_request(email=self.cleaned_data["email"])


class LanguageForm(forms.Form):
    """The language picker at the foot of every page."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
