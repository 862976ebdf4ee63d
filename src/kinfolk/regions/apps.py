from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "kinfolk.regions"
    label = "regions"
