"""Builders for the claims' tests: a pair that met, receipts with and without metadata."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from kinfolk.budget.claims import ClaimInput, claim_submit
from kinfolk.testing import LEEDS, make_pairing, make_visit

#: The household lives 0.01° of latitude (1.112 km) north of the volunteer, at the centre.
NORTH = (LEEDS[0] + 0.01, LEEDS[1])
#: 1.112 km × detour 1.3 × there and back = 2.891 km, to 100 m.
SUGGESTED_M = 2900


def met(volunteer: Any, household: Any, *, state: str = "happened", **fields: Any) -> Any:
    """A visit of the pair (paired if need be) recorded as ``state``, hosted by the household."""
    household.lat, household.lon = NORTH
    household.save(update_fields=["lat", "lon"])
    pairing = volunteer.pairings.filter(household=household).first() or make_pairing(
        volunteer, household
    )
    start = fields.pop("window_start", dt.date(2026, 10, 5))
    return make_visit(pairing, state=state, window_start=start, **fields)


def claim_input(**fields: Any) -> ClaimInput:
    values = {"travel_mode": "car", "distance_m": SUGGESTED_M, "travel_minor": 1250}
    return ClaimInput(**{**values, **fields})


def submitted(person: Any, visit: Any, **fields: Any) -> Any:
    user = person.user if person.side == "volunteer" else person.members.first().user
    return claim_submit(person=person, visit=visit, submitted_by=user, data=claim_input(**fields))


def jpeg_with_gps(size: tuple[int, int] = (60, 40)) -> bytes:
    """A JPEG photo whose EXIF holds a GPS position and a camera model."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x0110] = "KinfolkCam 3000"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (53.0, 47.0, 47.0)
    gps[3], gps[4] = "W", (1.0, 32.0, 52.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_with_exif() -> bytes:
    from PIL import Image, PngImagePlugin

    image = Image.new("RGB", (30, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0110] = "KinfolkCam 3000"
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 12 Acacia Avenue")
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif, pnginfo=info)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def many_claims(
    volunteer: Any,
    household: Any,
    n: int,
    *,
    state: str = "submitted",
    side: str = "volunteer",
    currency: str = "GBP",
    first_minor: int = 100,
    approved_from: dt.datetime | None = None,
) -> list[Any]:
    """``n`` claims of one side of a pairing, one per visit that happened, in bulk.

    Amounts are ``first_minor``, ``first_minor + 1``, …, so a total over any
    subset is known exactly; approved ones were approved a second apart.
    """
    from django.utils import timezone

    from kinfolk.budget.models import ExpenseClaim
    from kinfolk.visits.models import Visit

    pairing = volunteer.pairings.filter(household=household).first() or make_pairing(
        volunteer, household
    )
    start = Visit.objects.filter(pairing=pairing).count()
    day = dt.date(2019, 1, 7)  # weekly from here, so hundreds of visits are all in the past
    visits = Visit.objects.bulk_create(
        Visit(
            pairing=pairing,
            period=start + i,
            sequence=start + i + 1,
            window_start=day + dt.timedelta(days=7 * (start + i)),
            window_end=day + dt.timedelta(days=7 * (start + i) + 6),
            host="household",
            state="happened",
        )
        for i in range(n)
    )
    decided = state in ("approved", "paid", "rejected")
    since = approved_from or timezone.now() - dt.timedelta(days=1)
    person = volunteer if side == "volunteer" else household
    return ExpenseClaim.objects.bulk_create(
        ExpenseClaim(
            programme_id=volunteer.programme_id,
            visit=visit,
            side=side,
            travel_mode="car",
            currency=currency,
            travel_minor=first_minor + i,
            state=state,
            decided_at=since + dt.timedelta(seconds=i) if decided else None,
            **{side: person},
        )
        for i, visit in enumerate(visits)
    )
