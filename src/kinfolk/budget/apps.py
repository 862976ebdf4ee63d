from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "kinfolk.budget"
    label = "budget"
