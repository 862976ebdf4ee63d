from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Outcome reports for funders: counts and charts of a programme, never a person."""

    name = "kinfolk.reports"
    label = "reports"
