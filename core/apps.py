from datetime import timedelta

from django.apps import AppConfig

from .periodic import register_periodic_job


class CoreConfig(AppConfig):
    """What belongs to the whole newsroom rather than to one domain: the clock that runs scheduled
    publishing and every app's periodic jobs, and the upkeep of the task queue itself.

    It imports no other app of the project; the apps register their jobs with it (see core.periodic)."""

    name = "core"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The task module imports django-tasks-db's models, which cannot load before the app registry.
        from .tasks import prune_finished_task_results  # noqa: PLC0415 (imports models)

        register_periodic_job(prune_finished_task_results, every=timedelta(days=1))
