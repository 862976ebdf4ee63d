from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    name = "kinfolk.introductions"
    label = "introductions"

    def ready(self) -> None:
        from kinfolk.introductions import erasure  # noqa: F401  (registers its eraser)
