from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "kinfolk.casework"
    label = "casework"

    def ready(self) -> None:
        from kinfolk.casework import notices  # noqa: F401  (registers the message purposes)
