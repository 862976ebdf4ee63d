from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kinfolk.privacy"
    label = "privacy"
