from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the newsroom: the figures to monitor, the load test and the backup check.

    It reads from every other app and nothing imports it, so it sits at the top of the import order."""

    name = "operations"
    verbose_name = "Operations"
