from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kinfolk.people"
    label = "people"
