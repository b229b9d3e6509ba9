from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.signals import page_published, page_unpublished, post_page_move


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: PLC0415 (the handlers' module imports the models)

        page_published.connect(signals.warm_renditions_on_publish, dispatch_uid="articles-warm-renditions")
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(signals.bump_content_generation, dispatch_uid=f"articles-generation-{id(signal)}")
