"""Accounts: one user model for every role, signing in with an e-mail address or a phone number.

Someone invited by text message (an imported person with a phone number and
no e-mail address) gets an account that signs in with that number, in E.164
form (``+447700100123``); the invitation link they opened proved it is theirs.
Every account has an e-mail address, a phone number, or both.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None, password: str | None = None, **fields: Any) -> User:
        address = self.normalize_email(email or "").lower() or None
        user = self.model(email=address, **fields)
        if password:
            user.set_password(password)
        else:
            # Synthetic and invited people get no usable password until they
            # choose one themselves.
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """The account a sign-in names: a number in E.164 (``+…``) is a phone, else an address."""
        if username and username.startswith("+"):
            return self.get(phone=username)
        return self.get(email=username)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in.  Roles come from memberships, not from this row.

    ``is_staff`` marks a site administrator (who must use two-factor
    authentication); coordinators, volunteers and household adults are
    recognised by their rows in the programmes and people apps.
    """

    # Empty (NULL, so that many phone-only accounts can coexist) for an account
    # that signs in with its phone number.
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    #: A mobile number in E.164, set when the account was made from an invitation by SMS.
    phone = models.CharField(_("mobile number"), max_length=20, unique=True, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    language = models.CharField(_("language of the site"), max_length=16, default="en")
    is_staff = models.BooleanField(_("site administrator"), default=False)
    is_active = models.BooleanField(default=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    class Meta:
        verbose_name = _("user")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(phone__isnull=False),
                name="user_signs_in_with_email_or_phone",
            )
        ]

    def __str__(self) -> str:
        return self.email or self.phone or f"user {self.pk}"

    @property
    def sign_in_name(self) -> str:
        """What this account signs in with: its e-mail address, else its phone number."""
        return self.email or self.phone or ""


class TwoFactorEnrolment(models.Model):
    """A one-time link with which a site administrator enrols an authenticator app.

    Another site administrator issues it (``issued_by``), or, for the very
    first administrator, the server's command line (``issued_by`` empty).  Only
    the token's hash is stored; the link works once, for its own user, until
    ``expires_at``.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="two_factor_enrolments")
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"enrolment of {self.user} ({self.created_at:%Y-%m-%d %H:%M})"


class RateLimitCounter(models.Model):
    """How many requests of one kind came in one time window from one IP or for one address.

    The key holds a keyed hash of the IP or address, never the value itself;
    rows are deleted once their window has passed.
    """

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class AccountEvent(models.Model):
    """Who did what to someone else's account, and when: a record for the people in charge.

    ``user`` is the account acted on, ``by`` who acted; either may be erased
    later, and the record stays with the ids it still has.
    """

    class Kind(models.TextChoices):
        PASSWORD_LINK_SENT = "password_link_sent", _("sent a link to choose a new password")
        COORDINATOR_REMOVED = "coordinator_removed", _("removed as coordinator")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="account_events"
    )
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_events",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} by {self.by_id}"
