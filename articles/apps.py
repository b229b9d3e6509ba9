from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.signals import page_published, page_unpublished, post_page_move


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: PLC0415 (the handlers' module imports the models)
        from .models import ArticlePage, Author, NavigationSettings, NewsroomSettings, Tag  # noqa: PLC0415

        page_published.connect(signals.warm_renditions_on_publish, dispatch_uid="articles-warm-renditions")
        # The fragment generation first: a page re-rendered right after its purge must not reuse an old fragment.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(signals.bump_content_generation, dispatch_uid=f"articles-generation-{id(signal)}")
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
