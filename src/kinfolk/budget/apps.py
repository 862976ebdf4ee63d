from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "kinfolk.budget"
    label = "budget"

    def ready(self) -> None:
        # The claims' section of "My data", their eraser and their message purpose.
        from kinfolk.budget import claim_notices, claims_privacy  # noqa: F401
