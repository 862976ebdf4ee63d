"""Words shared by pages, reminders and calendars: where a visit is, when, with whom.

Only first names, times and "at your home" / "at their home" / the public
place: never an address (charter rule 5).
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.visits.models import Visit
from kinfolk.visits.services._common import zone


def place_words(visit: Visit, side: str) -> str:
    if visit.host == Visit.Host.PUBLIC:
        note = visit.place_note
        return _("at %(place)s") % {"place": note} if note else _("at a public place")
    return _("at your home") if visit.host == side else _("at their home")


def local_time_words(visit: Visit, moment: dt.datetime) -> str:
    local = timezone.localtime(moment, zone(visit.pairing.programme))
    return formats.date_format(local, "DATETIME_FORMAT")


def window_words(visit: Visit) -> str:
    return _("%(start)s to %(end)s") % {
        "start": formats.date_format(visit.window_start, "DATE_FORMAT"),
        "end": formats.date_format(visit.window_end, "DATE_FORMAT"),
    }
