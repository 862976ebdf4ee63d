"""Parsing what claimants and coordinators type about claims; errors name the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kinfolk.budget.claim_amounts import AmountError, minor_from_text, minor_to_text
from kinfolk.budget.claims import ClaimInput
from kinfolk.budget.models import ExpenseClaim, TravelMode
from kinfolk.budget.money import digits
from kinfolk.budget.receipts import MAX_BYTES

_AMOUNT_WORDS = {
    "negative": _("An amount cannot be negative."),
    "too large": _("That amount is larger than one claim may hold; check it."),
    "too many decimals": _("%(currency)s has %(digits)s digits after the decimal point at most."),
    "not a number": _("Write an amount such as 12.50."),
}


class ClaimForm(forms.Form):
    travel_mode = forms.ChoiceField(label=_("How you travelled"), choices=TravelMode.choices)
    distance_km = forms.DecimalField(
        label=_("Distance there and back (km)"),
        min_value=Decimal(0),
        max_value=Decimal(5000),
        decimal_places=1,
        help_text=_("Worked out from your pairing. Change it if your journey was different."),
    )
    distance_reason = forms.CharField(
        label=_("Why the distance is different"), max_length=200, required=False
    )
    travel_cost = forms.CharField(label=_("Travel cost"), max_length=20, required=False)
    other_cost = forms.CharField(
        label=_("Other costs (a small gift, a meal)"), max_length=20, required=False
    )
    other_what = forms.CharField(
        label=_("What the other costs were for"), max_length=120, required=False
    )
    receipt = forms.FileField(
        label=_("Receipt (photo or PDF, optional)"),
        required=False,
        help_text=format_lazy(
            _("At most {mb} MB. Photos are stored without their location and camera data."),
            mb=MAX_BYTES // (1024 * 1024),
        ),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        for name in ("travel_cost", "other_cost"):
            self.fields[name].help_text = _("In %(currency)s, e.g. %(example)s") % {
                "currency": currency,
                "example": minor_to_text(1250 if digits(currency) else 12, currency),
            }
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.fields["receipt"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,.pdf"

    def _amount(self, name: str) -> int:
        try:
            return minor_from_text(self.cleaned_data.get(name) or "", self.currency)
        except AmountError as error:
            words = _AMOUNT_WORDS[str(error)] % {
                "currency": self.currency,
                "digits": digits(self.currency),
            }
            raise forms.ValidationError(words) from None

    def clean_travel_cost(self) -> int:
        return self._amount("travel_cost")

    def clean_other_cost(self) -> int:
        return self._amount("other_cost")

    def clean_receipt(self) -> bytes | None:
        upload = self.cleaned_data.get("receipt")
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The receipt is too large: send a file of at most %(mb)s MB.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return bytes(upload.read())

    def to_input(self) -> ClaimInput:
        data = self.cleaned_data
        return ClaimInput(
            travel_mode=data["travel_mode"],
            distance_m=int(data["distance_km"] * 1000),
            distance_reason=data["distance_reason"],
            travel_minor=data["travel_cost"],
            other_minor=data["other_cost"],
            other_what=data["other_what"],
            receipt=data["receipt"],
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Do not approve"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the claimant"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you do not approve: say why."),
    )
    confirmation_note = forms.CharField(
        label=_("How you confirmed the visit happened"),
        max_length=300,
        required=False,
        help_text=_("Required for a visit the two sides remember differently."),
    )


class ClaimSettingsForm(forms.Form):
    households_may_claim = forms.BooleanField(
        label=_("Households may claim hosting costs"), required=False
    )


#: The most claims one form may mark paid by ticking: a page of the payment list, with room.
TICKED_MAX = 1000


class ClaimIdsField(forms.Field):
    """Ticked claim ids; whether each is an approved claim of the programme is the service's rule.

    Not a choice field: the page the coordinator ticked on may have moved by
    the time they send it, and the service checks the ids all or nothing.
    """

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > TICKED_MAX:
            raise forms.ValidationError(
                _("Tick at most %(n)s claims at a time.") % {"n": TICKED_MAX}
            )
        try:
            ids = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose claims from the list.")) from None
        if ids and ids[0] < 1:
            raise forms.ValidationError(_("Choose claims from the list."))
        return ids


class PaymentForm(forms.Form):
    """The claims ticked on one page of the payment list."""

    claims = ClaimIdsField(
        label=_("Claims finance has paid"),
        error_messages={"required": _("Choose the claims that finance has paid.")},
    )


class BatchPaymentForm(forms.Form):
    """The whole batch: every claim approved up to ``through``, as many as the page showed."""

    through = forms.CharField(max_length=20)
    count = forms.IntegerField(min_value=1)

    def clean_through(self) -> dt.datetime:
        when = batch_through(self.cleaned_data["through"])
        if when is None:
            raise forms.ValidationError(_("This batch is not one the page showed; reload it."))
        return when


def claim_filters(query: Any) -> tuple[str, str]:
    """The claims list's state and side filters from the address, so every page keeps them.

    No state asked means the claims waiting for a decision; ``all`` (or
    anything unknown) means every state; an unknown side means both.
    """
    state = query.get("state", ExpenseClaim.State.SUBMITTED)
    side = query.get("side", "")
    return (
        state if state in ExpenseClaim.State.values else "",
        side if side in ExpenseClaim.Side.values else "",
    )


# A batch's end travels in addresses as whole microseconds since 1970: exact, and URL-safe.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def batch_stamp(when: dt.datetime | None) -> str:
    """``when`` as the batch's stamp for an address; "" for no batch."""
    return "" if when is None else str((when - _EPOCH) // _MICROSECOND)


def batch_through(text: str | None) -> dt.datetime | None:
    """The moment a batch stamp stands for, or None for anything that is not one."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 17:
        return None
    return _EPOCH + int(text) * _MICROSECOND
