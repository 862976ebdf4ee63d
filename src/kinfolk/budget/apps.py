from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "kinfolk.budget"
    label = "budget"

    def ready(self) -> None:
        # The claims' section of "My data", their eraser and their message purpose; the
        # tick job that keeps forecasts computed.
        from kinfolk.budget import claim_notices, claims_privacy, jobs  # noqa: F401
