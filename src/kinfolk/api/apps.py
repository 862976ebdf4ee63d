from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kinfolk.api"
    label = "api"
