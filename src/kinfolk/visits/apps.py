from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "kinfolk.visits"
    label = "visits"

    def ready(self) -> None:
        from kinfolk.visits import jobs  # noqa: F401  (registers the tick jobs)
