"""Programme API tokens: named, scoped, revocable, and stored only as their hash.

A token acts for its programme as the coordinator who created it, and never
for more than that coordinator may see: when they stop coordinating the
programme, their tokens stop working with them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinfolk.accounts.tokens import token_hash, token_hash_unusable, token_new
from kinfolk.programmes.models import Programme

#: What every token starts with, so that a secret scanner can recognise a leaked one.
TOKEN_PREFIX = "kf_"


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    scope = models.CharField(_("access"), max_length=8, choices=Scope.choices, default=Scope.READ)
    # Only the SHA-256 of the token is stored; a copy of the database opens no API.
    token_hash = models.CharField(
        max_length=64, unique=True, default=token_hash_unusable, editable=False
    )
    #: The first characters of the token, so its owner can tell which one a list row is.
    hint = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    #: The token itself, known only to the code that has just issued it.
    token = ""

    def token_issue(self) -> str:
        """A new secret for this token, kept on the instance; only its hash is stored."""
        self.token = TOKEN_PREFIX + token_new()
        self.token_hash = token_hash(self.token)
        self.hint = self.token[:8]
        return self.token

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
