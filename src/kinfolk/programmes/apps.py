from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "kinfolk.programmes"
    label = "programmes"
