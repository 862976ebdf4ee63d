"""Volunteers, households, their consents and the programme's volunteer checks.

Profile fields hold the data dictionary's strings (``kinfolk.engine.dictionary``)
so that forms, CSV files and the engine read and write one format.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.accounts.tokens import token_hash, token_hash_unusable, token_new
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.timestamps import Updated


class Participant(Updated):
    """What volunteers and households share: a place, languages, a week.

    Phone and address are not here: they live in the privacy app, which alone
    decides who may read them (``kinfolk.privacy.services``).
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("id"), max_length=64)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    town = models.CharField(_("nearest town"), max_length=120)
    #: Set by a coordinator; empty means "the region holding ``town``" (kinfolk.regions).
    region_by_hand = models.ForeignKey(
        "regions.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        # No index: building one would lock the people tables during an upgrade, and nothing
        # looks people up by it (their region comes from the town, kinfolk.regions.placing).
        db_index=False,
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    max_travel_km = models.FloatField(_("how far (km)"), default=10)
    visit_places = models.CharField(_("visit places"), max_length=8, default="either")
    speaks = models.CharField(_("languages spoken"), max_length=300, blank=True)
    learning = models.CharField(_("languages being learnt"), max_length=200, blank=True)
    availability = models.CharField(_("weekly availability"), max_length=200, blank=True)
    offers = models.CharField(_("conditions of my home"), max_length=200, blank=True)
    accepts = models.CharField(_("conditions I accept"), max_length=200, blank=True)
    blackout = models.CharField(_("dates with no visits"), max_length=500, blank=True)
    travel_mode = models.CharField(_("travel mode"), max_length=8, default="public")
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Updated.Meta):
        abstract = True
        ordering = ["first_name", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.external_id})"

    @property
    def is_erased(self) -> bool:
        """Erased: an empty row kept for the programme's counts (``kinfolk.privacy.erasure``)."""
        return self.external_id == f"erased-{self.pk}"


def _list_indexes(side: str) -> list[models.Index]:
    """One index per order of the coordinator's lists (``people.selectors.SORTS``).

    Each starts with the programme, so a page of 50 is read straight from it.
    The case-insensitive prefix searches (name, town, id) have their own
    PostgreSQL-only indexes, made in migration 0007.
    """
    return [
        models.Index(fields=["programme", "first_name", "last_name", "id"], name=f"{side}_by_name"),
        models.Index(
            fields=["programme", "town", "first_name", "last_name", "id"], name=f"{side}_by_town"
        ),
        models.Index(
            fields=["programme", "state", "first_name", "last_name", "id"],
            name=f"{side}_by_state",
        ),
        models.Index(fields=["programme", "waiting_since", "id"], name=f"{side}_by_waiting"),
    ]


class Volunteer(Participant):
    #: Which side of a pair this is, as URLs, services and messages name it.
    side = "volunteer"
    #: The other side of the person's pairings and proposals.
    partner_side = "household"

    class State(models.TextChoices):
        APPLIED = "applied", _("applied")
        APPROVED = "approved", _("approved")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        LEFT = "left", _("left")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_roles",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteers"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPLIED)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta(Participant.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "external_id"], name="volunteer_unique_external_id"
            ),
            models.UniqueConstraint(
                fields=["programme", "user"],
                condition=Q(user__isnull=False),
                name="volunteer_one_per_user",
            ),
        ]
        indexes = [
            *_list_indexes("volunteer"),
            # The API's pages: rows changed since, in (updated_at, id) order.
            models.Index(
                fields=["programme", "updated_at", "id"], name="people_volu_program_1810fd_idx"
            ),
        ]


class Household(Participant):
    side = "household"
    partner_side = "volunteer"

    class State(models.TextChoices):
        INVITED = "invited", _("invited")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        LEFT = "left", _("left")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="households")
    state = models.CharField(max_length=10, choices=State.choices, default=State.INVITED)
    visit_places = models.CharField(_("visit places"), max_length=8, default="home")

    class Meta(Participant.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "external_id"], name="household_unique_external_id"
            )
        ]
        indexes = [
            *_list_indexes("household"),
            # The API's pages: rows changed since, in (updated_at, id) order.
            models.Index(
                fields=["programme", "updated_at", "id"], name="people_hous_program_86520b_idx"
            ),
        ]


class HouseholdMember(models.Model):
    """An adult account of a household; a household may have several."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="household_roles"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "user"], name="household_member_unique")
        ]


class Consent(models.Model):
    """Who agreed to take part, when, and how; withdrawing is always possible."""

    class Method(models.TextChoices):
        ONLINE = "online", _("online sign-up")
        INVITATION = "invitation", _("accepted an invitation")
        PAPER = "paper", _("on paper, recorded by a coordinator")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=40, default="participation")
    method = models.CharField(max_length=12, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    #: The coordinator who recorded a withdrawal the person made on paper or by
    #: phone; empty when the person withdrew themselves.
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, household__isnull=True)
                | Q(volunteer__isnull=True, household__isnull=False),
                name="consent_has_one_participant",
            )
        ]


class VolunteerCheck(models.Model):
    """A check the programme requires before a volunteer is matched."""

    class Kind(models.TextChoices):
        REFERENCES = "references", _("references taken")
        TRAINING = "training", _("training completed")
        SAFEGUARDING = "safeguarding", _("safeguarding check")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "kind"], name="volunteer_check_unique")
        ]


def _new_token() -> str:
    # Only migration 0001 uses this, for the plain-text column that 0003 replaced.
    return token_new()


class Invitation(models.Model):
    """A link a coordinator (or a household adult) sends; accepting it is consent.

    A ``link`` invitation goes to an address that already has an account when
    a coordinator records a paper consent with it: the account joins the new
    person only if its owner accepts, signed in.
    """

    class Role(models.TextChoices):
        VOLUNTEER = "volunteer", _("volunteer")
        HOUSEHOLD = "household", _("household")
        HOUSEHOLD_ADULT = "household_adult", _("second adult of a household")
        LINK = "link", _("link an existing account to a paper enrolment")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices)
    #: Where the link went; empty when it went by text message to ``phone`` instead.
    email = models.EmailField(blank=True)
    #: The mobile number (E.164) an imported person without an e-mail address was invited at;
    #: accepting makes an account that signs in with it.
    phone = models.CharField(max_length=20, blank=True, db_default="")
    first_name = models.CharField(max_length=80)
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    #: The person enrolled on paper whom accepting a ``link`` invitation attaches the account to.
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Only the SHA-256 of the link's token is stored; a copy of the database opens no link.
    token_hash = models.CharField(
        max_length=64, unique=True, default=token_hash_unusable, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    #: The link's token, known only to the code that has just issued it.
    token = ""

    def token_issue(self) -> str:
        """A new secret for this invitation's link, kept on the instance; its hash is stored."""
        self.token = token_new()
        self.token_hash = token_hash(self.token)
        return self.token
