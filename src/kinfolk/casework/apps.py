from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "kinfolk.casework"
    label = "casework"

    def ready(self) -> None:
        from kinfolk.casework import erasure, jobs, notices  # noqa: F401  (eraser, tick job, purposes)
