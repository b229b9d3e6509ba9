"""Signal handlers for articles, connected in ArticlesConfig.ready()."""

from __future__ import annotations

from django.db import transaction

from .models import ArticlePage
from .services import content_generation_bump
from .tasks import warm_article_renditions


def warm_renditions_on_publish(sender, instance, **kwargs):
    """Queue the renditions of a just-published article once the publish has committed (a worker in
    another connection must see the new revision); the editor's request does not wait for Pillow."""
    if not isinstance(instance, ArticlePage):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: warm_article_renditions.enqueue(page_id))


def bump_content_generation(**kwargs):
    """Any publish, unpublish, move or deletion of a page changes what cached fragments may show (a
    body's 'read also' links, a title in the menu): start a new cache generation."""
    content_generation_bump()
    # Again once the change is committed: a reader between the two may have cached the old state.
    transaction.on_commit(content_generation_bump)
