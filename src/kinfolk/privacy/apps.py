from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kinfolk.privacy"
    label = "privacy"

    def ready(self) -> None:
        from kinfolk.privacy import jobs  # noqa: F401  (registers the retention tick job)
