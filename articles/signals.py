"""Signal handlers for articles, connected in ArticlesConfig.ready()."""

from __future__ import annotations

import copy

from django.db import transaction
from wagtail.models import Locale, Page, Site

from . import pagecache
from .generation import content_generation_bump
from .models import (
    ArticlePage,
    Author,
    HomePage,
    NavigationLink,
    NavigationSettings,
    NewsroomSettings,
    SectionPage,
    Tag,
)
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


# --- The readers' page cache (articles/pagecache.py) -----------------------------------------------------


def remember_listing_keys(sender, instance, raw=False, **kwargs):
    """Before an article is saved (a publish replaces its tags and authors), note the tags and authors
    it is listed under now, so their pages are purged even when the new version drops them."""
    if raw or not instance.pk or not getattr(instance, "live", False):
        return
    instance._pagecache_before = pagecache.article_listing_keys(instance)


def purge_on_publish_change(sender, instance, **kwargs):
    """Publish or unpublish (deletion unpublishes first): retire exactly the pages that show the page."""
    if isinstance(instance, ArticlePage):
        pagecache.article_purge(instance, before=getattr(instance, "_pagecache_before", None))
    elif isinstance(instance, (SectionPage, HomePage)):
        pagecache.site_purge(instance)


def purge_on_move(sender, instance, parent_page_before=None, url_path_before=None, **kwargs):
    """A move changes the page's URL and section: the old and the new ones are purged."""
    if not instance.live:
        return
    instance = instance.specific
    if isinstance(instance, ArticlePage):
        old = copy.copy(instance)
        old.url_path = url_path_before or instance.url_path
        pagecache.article_purge(instance, old_parent=parent_page_before, old_url=old.get_full_url())
    elif isinstance(instance, (SectionPage, HomePage)):
        pagecache.site_purge(instance)


def restriction_changed(sender, instance, **kwargs):
    """A page made private, or public again (a view restriction saved or deleted): the restrictions cached
    per generation (models.restricted_paths) and every cached copy of the page and what is below it go."""
    bump_content_generation()
    try:
        page = instance.page
    except Page.DoesNotExist:  # deleted with its page
        return
    pagecache.restriction_purge(page)


def alias_created(sender, instance, created=False, raw=False, **kwargs):
    """A new alias carries its source's view restrictions, which are cached per generation: start a new
    one (publishing an alias is not a publish: Wagtail sends no signal for it)."""
    if created and not raw and isinstance(instance, Page) and instance.alias_of_id:
        bump_content_generation()


def purge_on_site_settings(sender, instance, created=False, raw=False, **kwargs):
    """The outlet's settings and the navigation are on every page. Not when the row is created: Wagtail
    creates it, with its defaults, the first time a page reads it, and those defaults are what readers saw."""
    if not raw and not created:
        pagecache.site_purge()


def purge_on_byline_or_tag(sender, instance, created=False, raw=False, **kwargs):
    """An author's or a tag's name is shown on its listing and on each of its articles (a new one is on
    no page yet)."""
    if raw or created or not instance.pk:
        return
    if isinstance(instance, Author):
        pagecache.author_or_tag_purge(author=instance)
    else:
        pagecache.author_or_tag_purge(tag=instance)
