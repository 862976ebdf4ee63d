from django.apps import AppConfig


class PairingsConfig(AppConfig):
    name = "kinfolk.pairings"
    label = "pairings"

    def ready(self) -> None:
        from kinfolk.pairings import jobs  # noqa: F401  (registers the tick jobs)
