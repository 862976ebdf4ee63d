"""Regions' forms: they parse what was typed; the services decide what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kinfolk.programmes.models import Programme
from kinfolk.regions.models import Region
from kinfolk.web.bidi import isolate


class RegionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    towns = forms.CharField(
        label=_("Towns"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One a line (or separated by ';'). People whose nearest town is listed are in this "
            "region, unless a coordinator placed them by hand. A town is in one region only."
        ),
    )


class BordersForm(forms.Form):
    pairs_cross_regions = forms.BooleanField(
        label=_("Pairs may cross a region border"),
        required=False,
        help_text=_(
            "Off: a run of the whole programme (or of a town or organisation) pairs people only "
            "with people of their own region, and people outside any region with each other. "
            "A run of one region never reaches over its border."
        ),
    )


class PlaceForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("by their town"),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = programme.regions.all()
        region.label_from_instance = lambda r: isolate(r.name)  # type: ignore[method-assign]
