"""Contact details, and who looked at them (charter rules 4 and 5).

A participant's phone and address live here, not on the person: the person
has no attribute, accessor or query path that reaches them, so a template or
a selector cannot print them by accident.  Only ``kinfolk.privacy.services``
reads and writes this model (a charter test fails the build otherwise).

The access log holds ids only and no foreign keys, so that erasing a person
and keeping the log never fight; one row per viewer, person and day.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ContactDetails(models.Model):
    """One participant's phone and address; their e-mail stays on their account."""

    # related_name="+": no ``volunteer.contact`` for a template to print.
    volunteer = models.OneToOneField(
        "people.Volunteer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    household = models.OneToOneField(
        "people.Household", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, household__isnull=True)
                | Q(volunteer__isnull=True, household__isnull=False),
                name="contact_details_of_one_participant",
            )
        ]
        # A coordinator finds someone by the number they give on the phone (stored as E.164).
        indexes = [models.Index(fields=["phone"], name="contact_details_phone")]


class ContactAccessLog(models.Model):
    class Role(models.TextChoices):
        PARTNER = "partner", _("partner")
        COORDINATOR = "coordinator", _("coordinator")

    viewer_id = models.BigIntegerField()
    #: The viewer's first name: what the person reading the log needs; an
    #: e-mail would itself be a contact detail.
    viewer_label = models.CharField(max_length=120)
    viewer_role = models.CharField(max_length=12, choices=Role.choices, blank=True)
    viewer_is_site_admin = models.BooleanField(default=False)
    # The viewer's appointment as coordinator of the person's programme, so
    # that a site administrator who appointed themselves shows as such.
    appointed_by_id = models.BigIntegerField(null=True, blank=True)
    appointed_by_label = models.CharField(max_length=120, blank=True)
    appointed_at = models.DateTimeField(null=True, blank=True)
    person_kind = models.CharField(max_length=10)  # "volunteer" or "household"
    person_id = models.BigIntegerField()
    day = models.DateField()
    fields = models.CharField(max_length=200)
    reasons = models.CharField(max_length=300)
    reads = models.PositiveIntegerField(default=1)
    last_read_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "-last_read_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["viewer_id", "person_kind", "person_id", "day"],
                name="contact_access_one_row_per_day",
            )
        ]
        indexes = [models.Index(fields=["person_kind", "person_id"])]

    @property
    def field_labels(self) -> list[str]:
        """The fields read, in words of the reader's language."""
        labels = {"email": _("e-mail"), "phone": _("phone"), "address": _("address")}
        return [str(labels.get(f, f)) for f in self.fields.split(",") if f]

    @property
    def appointed_themselves(self) -> bool:
        return self.appointed_by_id is not None and self.appointed_by_id == self.viewer_id


class ErasureRecord(models.Model):
    """The erasure ledger: which row was erased, and when; ids and dates only.

    Kept for ever, so that restoring an older backup can erase the same rows
    again (``kinfolk.privacy.erasure.reapply_ledger``).  ``kind`` is
    "volunteer", "household" or "account" (a user).
    """

    kind = models.CharField(max_length=10)
    erased_id = models.BigIntegerField()
    programme_id = models.BigIntegerField(null=True, blank=True)
    erased_at = models.DateTimeField()

    class Meta:
        ordering = ["erased_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "erased_id"], name="erasure_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.erased_id} erased {self.erased_at:%Y-%m-%d}"


class ConsentDocumentEdited(Exception):
    """A consent document's wording is never edited: a change of wording is a new version."""


class ConsentDocument(models.Model):
    """The exact words a person agreed to, one version per change of wording.

    Rows are written once and never changed (``save`` refuses, and on
    PostgreSQL a trigger refuses UPDATE and DELETE), so a consent always
    points to the words its person saw.
    """

    programme_id = models.BigIntegerField()
    purpose = models.CharField(max_length=40, default="participation")
    language = models.CharField(max_length=16)
    version = models.PositiveIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme_id", "purpose", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_id", "purpose", "language", "version"],
                name="consent_document_version_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version} ({self.language})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ConsentDocumentEdited(self.pk)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ConsentAgreement(models.Model):
    """Which version of the wording a consent agreed to."""

    consent = models.OneToOneField(
        "people.Consent", on_delete=models.CASCADE, related_name="agreement"
    )
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")


class ExportClaim(models.Model):
    """A "My data" download being made now: one per account, so a second request waits."""

    user_id = models.BigIntegerField(unique=True)
    started_at = models.DateTimeField()


class RetentionPolicy(models.Model):
    """How long a programme keeps the data of people who left, before erasing them."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+"
    )
    months = models.PositiveSmallIntegerField(
        _("months to keep the data of people who left"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    updated_at = models.DateTimeField(auto_now=True)
