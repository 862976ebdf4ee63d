from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Outcome reports for funders: counts and charts of a programme, never a person."""

    name = "kinfolk.reports"
    label = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kinfolk.reports import jobs  # noqa: F401  (registers the tick job)
