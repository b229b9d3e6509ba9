from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def keep_replies_as_they_are(sender, instance, raw, using, **kwargs):
    """Replaces django-comments-xtd's pre-save handler, which sets `is_public` on every reply whenever a
    parent is saved: re-saving a public parent would publish held, unchecked and spam replies. Here each
    comment's visibility is its own status; a reply under a hidden parent is simply not shown (see
    selectors.published_thread)."""


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import django_comments_xtd.models as xtd_models
        from django.db.models.signals import pre_save

        from . import moderation

        # xtd's AppConfig.ready() connects `models.publish_or_unpublish_on_pre_save` by name. Our app is
        # listed first, so replacing the name here makes xtd connect the guard instead; the disconnect
        # covers the other order.
        original = xtd_models.publish_or_unpublish_on_pre_save
        if original is not keep_replies_as_they_are:
            pre_save.disconnect(original, sender="comments.ReaderComment")
            xtd_models.publish_or_unpublish_on_pre_save = keep_replies_as_they_are
        moderation.connect()
