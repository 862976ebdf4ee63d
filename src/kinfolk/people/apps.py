from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kinfolk.people"
    label = "people"

    def ready(self) -> None:
        from kinfolk.people import emails  # noqa: F401  (registers what its e-mails check)
