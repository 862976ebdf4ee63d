"""Coordinators' matching and pairings forms: they parse input, the review services rule.

A form checks only what its fields can tell: that an id names someone in
this programme, that a town was picked for a town run.  Whether two people
may be paired is the service's call; the view puts its refusal beside the
field it concerns.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kinfolk.pairings.models import MatchingRun, RunPair, RunRule
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.forms import OrganisationChoiceField
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.regions.models import Region
from kinfolk.staff.scope import (
    organisation_limit,
    organisations_scoped,
    region_limit,
    regions_scoped,
    volunteers_scoped,
)
from kinfolk.web.bidi import isolate

#: Larger files are refused before they are read (110,000 rows fit in about 4 MB).
IMPORT_MAX_BYTES = 20 * 1024 * 1024


class RunStartForm(forms.Form):
    """Who a run considers: the whole programme, a town, an organisation's volunteers, a region."""

    scope = forms.ChoiceField(
        label=_("Who to pair"),
        choices=MatchingRun.Scope.choices,
        initial=MatchingRun.Scope.PROGRAMME,
        widget=forms.RadioSelect,
    )
    town = forms.ChoiceField(
        label=_("Town"),
        required=False,
        help_text=_("For a town run; for an organisation, optionally its households' town."),
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Its volunteers are paired with the households of the town, or of all towns."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Its volunteers and households, and nobody outside it."),
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=MatchingRun.Mode.choices,
        initial=MatchingRun.Mode.OPTIMAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Optimal: the shortest total travel and best fit. "
            "Stable: no volunteer and household would both rather have each other."
        ),
    )

    def __init__(self, *args: Any, programme: Programme, towns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town = cast(forms.ChoiceField, self.fields["town"])
        town.choices = [("", _("any town")), *((t, isolate(t)) for t in towns)]
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = organisations_scoped(programme.organisations.all(), programme)
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = regions_scoped(programme.regions.all(), programme)
        scope = cast(forms.ChoiceField, self.fields["scope"])
        if region_limit(programme) is not None:
            # A coordinator limited to regions pairs only within one of their regions.
            scope.choices = [(MatchingRun.Scope.REGION, MatchingRun.Scope.REGION.label)]
            scope.initial = MatchingRun.Scope.REGION
        elif organisation_limit(programme) is not None:
            # A coordinator limited to organisations pairs only their organisations' volunteers.
            scope.choices = [(MatchingRun.Scope.ORGANISATION, MatchingRun.Scope.ORGANISATION.label)]
            scope.initial = MatchingRun.Scope.ORGANISATION
        elif not programme.regions.exists():
            scope.choices = [c for c in scope.choices if c[0] != MatchingRun.Scope.REGION]
            del self.fields["region"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == MatchingRun.Scope.TOWN and not data.get("town"):
            self.add_error("town", _("Pick the town to pair."))
        if scope == MatchingRun.Scope.ORGANISATION and not data.get("organisation"):
            self.add_error("organisation", _("Pick the organisation whose volunteers to pair."))
        if scope == MatchingRun.Scope.REGION and not data.get("region"):
            field = "region" if "region" in self.fields else None
            self.add_error(field, _("Pick the region to pair."))
        return data

    def arguments(self) -> dict[str, Any]:
        """``run_start``'s scope arguments; fields of another scope are ignored."""
        data = self.cleaned_data
        scope, Scope = data["scope"], MatchingRun.Scope
        return {
            "mode": data["mode"],
            "town": data["town"] if scope in (Scope.TOWN, Scope.ORGANISATION) else "",
            "organisation": data["organisation"]
            if scope == MatchingRun.Scope.ORGANISATION
            else None,
            "region": data.get("region") if scope == MatchingRun.Scope.REGION else None,
        }


class PairSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or id"), required=False, max_length=100)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class PairingSearchForm(PairSearchForm):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("active", _("active")), ("ended", _("ended")), ("", _("any state"))],
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        # Active pairings unless another state (or any, the empty choice) was asked for.
        if data is not None and "state" not in data:
            data = {**data.dict(), "state": "active"}
        super().__init__(data, **kwargs)

    def state_value(self) -> str:
        return str(self.cleaned_data["state"]) if self.is_valid() else "active"


class RuleForm(forms.Form):
    """Keep or forbid one of the run's proposed pairs; a forbid may carry a short note."""

    pair = forms.ModelChoiceField(queryset=RunPair.objects.none(), widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=[(RunRule.Kind.LOCK, _("keep")), ("forbid", _("forbid"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=200,
        help_text=_("What the coordinators should know about this decision, not about a person."),
    )

    def __init__(self, *args: Any, run: MatchingRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pair = cast(forms.ModelChoiceField, self.fields["pair"])
        pair.queryset = run.pairs.select_related("volunteer", "household")


class ManualPairForm(forms.Form):
    """Two people the coordinator pairs by hand, picked by typing a name (or an id).

    The inputs offer matching names as the coordinator types (an htmx request
    fills a datalist with "Ana Silva · V123"); without JavaScript a unique full
    name or an id works too.
    """

    volunteer_id = forms.CharField(
        label=_("Volunteer"), max_length=200, help_text=_("Type a name or an id.")
    )
    household_id = forms.CharField(
        label=_("Household"), max_length=200, help_text=_("Type a name or an id.")
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        for name, side in (("volunteer_id", "volunteer"), ("household_id", "household")):
            self.fields[name].widget.attrs.update(
                {
                    "list": f"{side}-choices",
                    "autocomplete": "off",
                    "hx-get": reverse(f"programmes:{side}_choices", args=[programme.pk]),
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{side}-choices",
                    "hx-swap": "outerHTML",
                }
            )

    def clean_volunteer_id(self) -> Volunteer:
        volunteers = volunteers_scoped(self.programme.volunteers.all(), self.programme)
        return self._person(volunteers, self.cleaned_data["volunteer_id"])

    def clean_household_id(self) -> Household:
        return self._person(self.programme.households.all(), self.cleaned_data["household_id"])

    @staticmethod
    def _person(people: Any, raw: str) -> Any:
        text = raw.strip()
        # "Ana Silva · V123", as the list offers it, or a bare id.
        tail = text.rsplit(CHOICE_SEPARATOR, 1)[-1].strip()
        found = people.filter(external_id=tail).first()
        if found is None:
            found = _one_by_name(people, text)
        if found.state != "active":
            raise forms.ValidationError(
                _("%(name)s (%(id)s) is not active, so cannot be paired.")
                % {"name": found.first_name, "id": found.external_id}
            )
        return found


#: Between a name and an id in what the name picker offers.
CHOICE_SEPARATOR = "·"


def _one_by_name(people: Any, text: str) -> Any:
    """The one person whose full name is ``text`` (any case), or a message saying what to do."""
    first, _sep, last = text.partition(" ")
    named = people.filter(first_name__iexact=first.strip())
    if last.strip():
        named = named.filter(last_name__iexact=last.strip())
    found = list(named.order_by("id")[:2])
    if not found:
        raise forms.ValidationError(
            _("No one with id or name '%(text)s' in this programme.") % {"text": text}
        )
    if len(found) > 1:
        raise forms.ValidationError(
            _("Several people are called %(text)s: pick one from the list, which shows their ids.")
            % {"text": text}
        )
    return found[0]


class PairingImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns volunteer_id, household_id, since (the day the pairing started) and "
            "agreed_on (the day both sides agreed to it), dates as YYYY-MM-DD, with a header "
            "row. Nothing is stored unless every row is right."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": IMPORT_MAX_BYTES // 2**20}
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it from your spreadsheet as CSV UTF-8.")
            ) from None


class VisitorReportForm(forms.Form):
    words = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only the programme's coordinators read this. Your visitor never sees it."),
    )
    end = forms.BooleanField(label=_("End the pairing now as well"), required=False)
