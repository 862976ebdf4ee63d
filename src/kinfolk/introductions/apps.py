from django.apps import AppConfig


class IntroductionsConfig(AppConfig):
    name = "kinfolk.introductions"
    label = "introductions"
