from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development only: the demo newsroom, the `make run` commands and the local Akismet stand-in.

    It is in INSTALLED_APPS in the development and test settings, never in production, and nothing
    outside it imports it: production code does not ship a known login or a fake spam service.
    """

    name = "demo"
    verbose_name = "Demo (development only)"
    default_auto_field = "django.db.models.BigAutoField"
