from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "kinfolk.outbox"
    label = "outbox"

    def ready(self) -> None:
        from kinfolk.outbox import jobs  # noqa: F401  (registers the tick job)
