from django.apps import AppConfig


class TicksConfig(AppConfig):
    name = "kinfolk.ticks"
    label = "ticks"

    def ready(self) -> None:
        from kinfolk.ticks import jobs  # noqa: F401  (registers the jobs)
