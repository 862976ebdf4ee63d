"""Writes to regions: their names and towns, placing a person by hand, coordinators' limits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kinfolk.programmes.models import Coordinator, Programme
from kinfolk.programmes.places import towns
from kinfolk.regions.models import CoordinatorRegion, Region, RegionTown
from kinfolk.staff.scope import whole_programme_required


def town_names_parse(text: str) -> list[str]:
    """Towns typed one a line or separated by ';' or ','; blanks dropped, first spelling kept."""
    seen: dict[str, str] = {}
    for name in re.split(r"[\n;,]", text):
        name = " ".join(name.split())
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _known_towns(programme: Programme) -> dict[str, str]:
    """Every town name a person of the programme may have, by its folded spelling.

    The country's towns, and any other town already held by one of its people
    (an import may name a town by coordinates that is not in the country list).
    """
    from kinfolk.people.models import Household, Volunteer

    known = {t.name.casefold(): t.name for t in towns(programme.country)}
    for model in (Volunteer, Household):
        held = model.objects.filter(programme=programme).values_list("town", flat=True)
        for name in held.distinct():
            known.setdefault(name.casefold(), name)
    return known


def _towns_check(programme: Programme, names: list[str], region: Region | None) -> list[str]:
    """The towns in their stored spelling; a ValidationError names each unknown or taken one."""
    known = _known_towns(programme)
    unknown = [n for n in names if n.casefold() not in known]
    if unknown:
        raise ValidationError(
            {
                "towns": _("Not a town of %(country)s or of this programme's people: %(names)s.")
                % {"country": programme.country, "names": "; ".join(unknown)}
            }
        )
    spelled = [known[n.casefold()] for n in names]
    taken = RegionTown.objects.filter(programme=programme, town__in=spelled).select_related(
        "region"
    )
    if region is not None:
        taken = taken.exclude(region=region)
    clashes = [f"{t.town} ({t.region.name})" for t in taken.order_by("town")]
    if clashes:
        raise ValidationError(
            {
                "towns": _("Already in another region (a town is in one region only): %(names)s.")
                % {"names": "; ".join(clashes)}
            }
        )
    return spelled


@transaction.atomic
def region_save(
    *, programme: Programme, name: str, towns_text: str, region: Region | None = None
) -> Region:
    """Create a region, or rename it and replace its towns; bad input changes nothing.

    People whose town is listed are in the region from now on (unless placed by hand).
    """
    whole_programme_required(programme)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the region a name.")})
    same_name = Region.objects.filter(programme=programme, name__iexact=name)
    if region is not None:
        same_name = same_name.exclude(pk=region.pk)
    if same_name.exists():
        message = _("There is already a region called %(name)s.") % {"name": name}
        raise ValidationError({"name": message})
    spelled = _towns_check(programme, town_names_parse(towns_text), region)
    if region is None:
        region = Region.objects.create(programme=programme, name=name)
    else:
        region.name = name
        region.save(update_fields=["name"])
    RegionTown.objects.filter(region=region).exclude(town__in=spelled).delete()
    have = set(RegionTown.objects.filter(region=region).values_list("town", flat=True))
    RegionTown.objects.bulk_create(
        RegionTown(programme=programme, region=region, town=t) for t in spelled if t not in have
    )
    return region


@transaction.atomic
def region_delete(*, programme: Programme, region: Region) -> None:
    """Delete a region; refused while a coordinator is limited to it.

    Its people are then outside any region (or in another region that lists their town later).
    """
    whole_programme_required(programme)
    names = list(
        CoordinatorRegion.objects.filter(region=region).values_list(
            "coordinator__user__first_name", flat=True
        )
    )
    if names:
        raise ValidationError(
            _(
                "Coordinators are limited to this region (%(names)s): ask a site administrator "
                "to change their regions first."
            )
            % {"names": ", ".join(names)}
        )
    region.delete()


@transaction.atomic
def pairs_cross_regions_set(*, programme: Programme, allowed: bool) -> None:
    """Whether a run spanning several regions may pair people across their borders."""
    whole_programme_required(programme)
    programme.pairs_cross_regions = allowed
    programme.save(update_fields=["pairs_cross_regions"])


@transaction.atomic
def person_region_set(*, programme: Programme, person: Any, region: Region | None) -> None:
    """Place a volunteer or household in a region by hand; None places them by their town again."""
    whole_programme_required(programme)
    if region is not None and region.programme_id != person.programme_id:
        raise ValidationError({"region": _("Pick a region of this programme.")})
    person.region_by_hand = region
    person.save(update_fields=["region_by_hand"])


def _site_admin_required(user: Any) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied("Only site administrators limit coordinators.")


@transaction.atomic
def coordinator_region_limit_set(
    *, membership: Coordinator, regions: Iterable[Region], by: Any
) -> None:
    """Limit a coordinator to these regions of their programme; none lifts the region limit."""
    _site_admin_required(by)
    chosen = list(regions)
    if any(r.programme_id != membership.programme_id for r in chosen):
        raise ValidationError({"regions": _("Pick regions of this programme only.")})
    CoordinatorRegion.objects.filter(coordinator=membership).exclude(region__in=chosen).delete()
    for region in chosen:
        CoordinatorRegion.objects.get_or_create(coordinator=membership, region=region)
