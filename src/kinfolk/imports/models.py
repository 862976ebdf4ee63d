"""Imports of volunteers and households from a spreadsheet, and what they need to run.

An upload is kept as a normalised CSV (UTF-8, commas, refused columns already
dropped), compressed, until it is committed; a committed import keeps only its
counts and its problems.  People it creates are not participants until they
accept their invitation or a coordinator records their paper consent (charter
rule 1): an :class:`Invitee` holds the e-mail address or, failing that, the
mobile number their invitation goes to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.programmes.models import Programme

SIDES = (("volunteer", _("volunteers")), ("household", _("households")))


class PeopleImport(models.Model):
    """One file of volunteers or households: its mapping, preview, commit and invitations."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("waiting for the column mapping")
        PREVIEWING = "previewing", _("checking every row")
        PREVIEWED = "previewed", _("checked, waiting for confirmation")
        COMMITTING = "committing", _("importing")
        COMMITTED = "committed", _("imported")
        FAILED = "failed", _("failed")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="people_imports"
    )
    side = models.CharField(max_length=10, choices=SIDES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    #: How the file was read, in words ("UTF-16, separated by semicolons", "sheet 'People'").
    read_as = models.CharField(max_length=200, blank=True)
    #: The normalised CSV, zlib-compressed; emptied once the import is committed.
    data = models.BinaryField(blank=True)
    header = models.JSONField(default=list)
    #: Column of the file -> import field; columns left out are not read.
    mapping = models.JSONField(default=dict)
    #: Columns refused by name (charter rule 3): column -> the category it names.
    refused = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MAPPING)
    stage = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=1)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    #: Every problem of every row, as CSV to download, fix and upload again.
    problems_csv = models.TextField(blank=True)
    #: The first problems, for the page's table: [row, column, value, problem].
    problems_shown = models.JSONField(default=list)
    #: Where the new and updated people land, when the programme has regions:
    #: [region name, new, updated] by name, then [None, new, updated] for outside any region.
    regions_shown = models.JSONField(null=True, blank=True)
    #: Each new or updated row's region, as CSV to download: row, id, town, region, change.
    placements_csv = models.TextField(blank=True, db_default="")
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: Invitations sent in bulk after the commit: progress of that job.
    inviting = models.BooleanField(default=False)
    invite_done = models.PositiveIntegerField(default=0)
    invite_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / max(self.total, 1)))

    @property
    def invite_percent(self) -> int:
        return min(100, round(100 * self.invite_done / max(self.invite_total, 1)))

    @property
    def live(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.COMMITTING) or self.inviting


class ColumnMapping(models.Model):
    """The mapping a programme confirmed last, per side: the next file starts from it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=SIDES)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "side"], name="column_mapping_unique")
        ]


class PostcodeCentroid(models.Model):
    """Where a postcode is, from the programme's own file: rows are placed by it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    postcode = models.CharField(max_length=16)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "postcode"], name="postcode_unique")
        ]


class GeocodedPlace(models.Model):
    """The geocoder's answer to one place text, kept so a re-import does not ask again.

    Stored under a keyed hash of the text (with the geocoder's URL and the
    country), never the text itself: an address looked up once is not kept
    readable here, and nothing links the answer to a person.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    #: Every candidate the geocoder gave, best first: [lat, lon, country code].
    candidates = models.JSONField(default=list)
    asked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "digest"], name="geocoded_place_unique")
        ]


class Invitee(models.Model):
    """An imported person who has not accepted yet, and where their invitation goes."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    volunteer = models.OneToOneField(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(blank=True)
    #: The mobile number (E.164) the invitation is texted to when there is no e-mail address.
    phone = models.CharField(max_length=20, blank=True, db_default="")
    imported_in = models.ForeignKey(
        PeopleImport, on_delete=models.SET_NULL, null=True, related_name="invitees"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, household__isnull=True)
                | Q(volunteer__isnull=True, household__isnull=False),
                name="invitee_of_one_person",
            )
        ]
