from datetime import timedelta

from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.periodic import register_periodic_job


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import PageViewRestriction  # noqa: PLC0415 (models load after the app registry)

        from . import generation, signals  # noqa: PLC0415 (the handlers' module imports the models)
        from .models import ArticlePage, Author, NavigationSettings, NewsroomSettings, Tag  # noqa: PLC0415

        # The content generation is read once per request (articles/generation.py).
        request_started.connect(generation.request_memo_open, dispatch_uid="articles-generation-open")
        request_finished.connect(generation.request_memo_close, dispatch_uid="articles-generation-close")

        page_published.connect(signals.warm_renditions_on_publish, dispatch_uid="articles-warm-renditions")
        # The fragment generation first: a page re-rendered right after its purge must not reuse an old fragment.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(signals.bump_content_generation, dispatch_uid=f"articles-generation-{id(signal)}")
        # What the cached site chrome and <head> metadata are made of: an editor's change shows at once.
        for model in signals.CHROME_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(
                    signals.bump_content_generation,
                    sender=model,
                    dispatch_uid=f"articles-generation-{model.__name__}-{id(signal)}",
                )

        # Enqueued by core's scheduler (`manage.py run_scheduler`); the task module imports the models.
        from .tasks import prune_article_daily_views  # noqa: PLC0415 (imports models)

        register_periodic_job(prune_article_daily_views, every=timedelta(days=1))

        for signal in (post_save, post_delete):
            signal.connect(
                signals.restriction_changed,
                sender=PageViewRestriction,
                dispatch_uid=f"articles-restriction-{id(signal)}",
            )
        post_save.connect(signals.alias_created, dispatch_uid="articles-alias-created")

        pre_save.connect(signals.remember_listing_keys, sender=ArticlePage, dispatch_uid="articles-pagecache-before")
        page_published.connect(signals.purge_on_publish_change, dispatch_uid="articles-pagecache-published")
        page_unpublished.connect(signals.purge_on_publish_change, dispatch_uid="articles-pagecache-unpublished")
        post_page_move.connect(signals.purge_on_move, dispatch_uid="articles-pagecache-moved")
        for model in (NewsroomSettings, NavigationSettings):
            post_save.connect(
                signals.purge_on_site_settings, sender=model, dispatch_uid=f"articles-pagecache-{model.__name__}"
            )
        for model in (Author, Tag):
            post_save.connect(
                signals.purge_on_byline_or_tag, sender=model, dispatch_uid=f"articles-pagecache-{model.__name__}"
            )
