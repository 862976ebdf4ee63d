from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "kinfolk.staff"
    label = "staff"
