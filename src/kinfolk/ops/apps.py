from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "kinfolk.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from kinfolk.ops.metrics import collector_register

        collector_register()
