from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    """Signed-in sessions: one row per device, time-outs, and signing devices out."""

    name = "kinfolk.devices"
    verbose_name = _("Signed-in devices")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kinfolk.devices import jobs  # noqa: F401  (registers the tick job)
        from kinfolk.devices.exports import export_register
        from kinfolk.devices.services import session_sign_in

        # Every way in (the sign-in form, a password link, tests' force_login)
        # passes through django.contrib.auth.login, which sends this signal.
        user_logged_in.connect(session_sign_in, dispatch_uid="kinfolk.devices.sign_in")
        export_register()
