from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "kinfolk.vetting"
    label = "vetting"

    def ready(self) -> None:
        from kinfolk.vetting import jobs  # noqa: F401  (registers the tick job)
