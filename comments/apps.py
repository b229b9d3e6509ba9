from datetime import timedelta

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _
from django_comments.signals import comment_was_posted, comment_will_be_posted

from core.periodic import register_periodic_job


def keep_replies_as_they_are(sender, instance, raw, using, **kwargs):
    """Replaces django-comments-xtd's pre-save handler, which sets `is_public` on every reply whenever a
    parent is saved: re-saving a public parent would publish held, unchecked and spam replies. Here each
    comment's visibility is its own status; a reply under a hidden parent is simply not shown (see
    selectors.published_thread)."""


def add_comments_panel_to_articles():
    """The article editor's "comments open" switch becomes our panel, which also shows the article's comment
    counts per queue. Done from here because articles never imports comments; Wagtail builds the edit
    handler from `promote_panels` at the first admin request, after every app is ready."""
    from articles.models import ArticlePage  # noqa: PLC0415 (models load after the app registry)

    from .admin.panels import ArticleCommentsPanel  # noqa: PLC0415 (imports Wagtail's admin)

    ArticlePage.promote_panels = [
        ArticleCommentsPanel() if getattr(panel, "field_name", None) == "comments_open" else panel
        for panel in ArticlePage.promote_panels
    ]


def add_history_to_word_lists(model):
    """The word lists' page lists their last changes. Added from here: the panel is admin code, which
    the models module does not import."""
    from .admin.panels import WordListsHistoryPanel  # noqa: PLC0415 (imports Wagtail's admin)

    if not any(isinstance(panel, WordListsHistoryPanel) for panel in model.panels):
        model.panels = [*model.panels, WordListsHistoryPanel(heading=_("Recent changes"))]


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import django_comments_xtd.models as xtd_models  # noqa: PLC0415 (models load after the app registry)
        import django_comments_xtd.views as xtd_views  # noqa: PLC0415 (models load after the app registry)
        from django_comments_xtd.models import TmpXtdComment  # noqa: PLC0415 (models load after the app registry)

        # xtd's AppConfig.ready() connects `models.publish_or_unpublish_on_pre_save` by name. Our app is
        # listed first, so replacing the name here makes xtd connect the guard instead; the disconnect
        # covers the other order.
        original = xtd_models.publish_or_unpublish_on_pre_save
        if original is not keep_replies_as_they_are:
            pre_save.disconnect(original, sender="comments.ReaderComment")
            xtd_models.publish_or_unpublish_on_pre_save = keep_replies_as_they_are

        # Comments are posted by comments.posting only. django-comments-xtd connects its own posting
        # receivers (the one that stores a comment among them) when its views module is first imported,
        # which otherwise happens at the first template a process renders: imported here, at start-up,
        # and disconnected, every process is in the same state whatever it served first, and no second
        # path can store (or silently skip) a comment. See comments/posting.py.
        comment_will_be_posted.disconnect(xtd_views.on_comment_will_be_posted, sender=TmpXtdComment)
        comment_was_posted.disconnect(xtd_views.on_comment_was_posted, sender=TmpXtdComment)

        add_comments_panel_to_articles()

        # Saving the word lists (Wagtail's settings view or `manage.py comment_words`) starts a new cache
        # generation, so every process matches against the new lists at once.
        from .models import CommentWordLists  # noqa: PLC0415 (models load after the app registry)
        from .services import word_lists_saved  # noqa: PLC0415 (imports models)

        post_save.connect(word_lists_saved, sender=CommentWordLists, dispatch_uid="comments_word_lists_saved")
        add_history_to_word_lists(CommentWordLists)

        # Any comment saved or deleted, by whatever path (the services, an import, the shell), retires
        # its article's rendered comments; bulk updates go through the services, which do the same.
        from .models import ReaderComment  # noqa: PLC0415 (models load after the app registry)
        from .services import comment_saved_or_deleted  # noqa: PLC0415 (imports models)

        post_save.connect(comment_saved_or_deleted, sender=ReaderComment, dispatch_uid="comments_thread_saved")
        post_delete.connect(comment_saved_or_deleted, sender=ReaderComment, dispatch_uid="comments_thread_deleted")

        # The periodic jobs, enqueued by core's scheduler (`manage.py run_scheduler`). Their modules import
        # the models, which cannot load before the app registry.
        from .admin.privacy import anonymise_old_ips_task  # noqa: PLC0415 (imports models)
        from .tasks import purge_discarded, purge_old_spam, recheck_unchecked_comments  # noqa: PLC0415 (imports models)

        register_periodic_job(recheck_unchecked_comments, every=timedelta(minutes=20))
        register_periodic_job(purge_old_spam, every=timedelta(days=1))
        register_periodic_job(purge_discarded, every=timedelta(days=1))
        register_periodic_job(anonymise_old_ips_task, every=timedelta(days=1))
