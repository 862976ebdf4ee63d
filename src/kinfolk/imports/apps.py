from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "kinfolk.imports"
    label = "imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kinfolk.imports import erasure, jobs  # noqa: F401  (register the eraser, tick job)
