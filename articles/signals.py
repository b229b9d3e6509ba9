"""Signal handlers for articles, connected in ArticlesConfig.ready()."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Site

from .generation import content_generation_bump
from .models import ArticlePage, Author, NavigationLink, NavigationSettings, NewsroomSettings, Tag
from .tasks import warm_article_renditions


def warm_renditions_on_publish(sender, instance, **kwargs):
    """Queue the renditions of a just-published article once the publish has committed (a worker in
    another connection must see the new revision); the editor's request does not wait for Pillow."""
    if not isinstance(instance, ArticlePage):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: warm_article_renditions.enqueue(page_id))


# Saving or deleting one of these starts a new content generation too: the header, footer, menu, bylines,
# tags and <head> metadata cached per generation are made of them.
CHROME_MODELS = (NewsroomSettings, NavigationSettings, NavigationLink, Author, Tag, Site, Locale)


def bump_content_generation(sender=None, instance=None, created=False, **kwargs):
    """Any publish, unpublish, move or deletion of a page changes what cached fragments may show (a
    body's 'read also' links, a title in the menu), and so does an editor's change to the site settings,
    the menu, an author or a tag: start a new cache generation. Not for the site settings' own row
    being made with its defaults on a site's first view (Wagtail's `for_site` creates it): nothing shown
    changes, and the view that made it would otherwise retire what it had just cached."""
    if created and isinstance(instance, NewsroomSettings | NavigationSettings):
        return
    content_generation_bump()
    # Again once the change is committed: a reader between the two may have cached the old state.
    transaction.on_commit(content_generation_bump)
