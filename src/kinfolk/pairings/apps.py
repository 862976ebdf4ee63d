from django.apps import AppConfig


class PairingsConfig(AppConfig):
    name = "kinfolk.pairings"
    label = "pairings"
