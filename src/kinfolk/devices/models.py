"""A session is a signed-in device: whose it is, what browser, since when, last seen when."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models


class SignedInSession(AbstractBaseSession):
    """Django's session row, with the columns the "Signed-in devices" page lists.

    The columns are copied from the session's own data each time it is saved
    (``kinfolk.devices.sessions``), so they never disagree with it.  No IP
    address is kept: the page names the browser and the system, not a place.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signed_in_sessions",
    )
    #: Names the device on the page and in the sign-out form; unlike the session
    #: key it is no credential, and it survives the key changing at sign-in.
    device_id = models.CharField(max_length=32, blank=True, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    objects = BaseSessionManager()

    class Meta:
        verbose_name = "signed-in session"

    @classmethod
    def get_session_store_class(cls) -> type:
        from kinfolk.devices.sessions import SessionStore

        return SessionStore
