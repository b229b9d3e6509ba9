"""RSS 2.0 and Atom feeds for an edition, a section, a tag and an author (Django's syndication framework).

Only `published_articles()` of the edition in the URL's language reach a feed, and the feed's language
is that edition's (the active language, set by the URL prefix). Links are absolute and come from
Wagtail's Site. A feed object is shared between requests, so the request travels inside the object
`get_object` returns rather than on `self`.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import pgettext

from . import editions, selectors, seo
from .models import ArticlePage, Author, HomePage, SectionPage, Tag

FEED_SIZE = settings.NEWSROOM.get("FEED_SIZE", 30)


@dataclass
class Subject:
    """What one request's feed is about: the edition, and the section, tag or author if any."""

    request: object
    home: HomePage
    title: str
    link: str
    description: str
    articles: object
    extra: dict = field(default_factory=dict)


class EditionFeed(Feed):
    feed_type = Rss201rev2Feed

    # --- What the feed is about ---

    def get_object(self, request, *args, **kwargs) -> Subject:
        home = editions.edition_home(request)
        if home is None:
            raise Http404("No edition in this language.")
        return self.subject(request, home, **kwargs)

    def subject(self, request, home: HomePage, **kwargs) -> Subject:
        name = editions.site_name(request)
        return Subject(
            request=request,
            home=home,
            title=name,
            link=home.get_full_url(request),
            description=home.tagline or editions.site_settings(request).tagline or name,
            articles=selectors.published_articles(locale=home.locale).descendant_of(home),
        )

    def title(self, obj: Subject) -> str:
        return obj.title

    def link(self, obj: Subject) -> str:
        return obj.link

    def description(self, obj: Subject) -> str:
        return obj.description

    def subtitle(self, obj: Subject) -> str:
        return obj.description

    def feed_url(self, obj: Subject) -> str:
        return editions.absolute_url(obj.request, obj.request.path)

    def feed_copyright(self, obj: Subject) -> str:
        return obj.title

    def items(self, obj: Subject) -> list[ArticlePage]:
        articles = selectors.with_card_data(obj.articles.prefetch_related("tagged_items__tag")[:FEED_SIZE])
        for article in articles:
            article.feed_request = obj.request
        return articles

    # --- Each item ---

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.summary

    def item_link(self, item: ArticlePage) -> str:
        return item.get_full_url(item.feed_request)

    def item_guid(self, item: ArticlePage) -> str:
        return item.get_full_url(item.feed_request)

    def item_pubdate(self, item: ArticlePage):
        return item.first_published_at

    def item_updateddate(self, item: ArticlePage):
        return item.updated_at or item.last_published_at or item.first_published_at

    def item_author_name(self, item: ArticlePage) -> str:
        return pgettext("list separator", ", ").join(author.name for author in item.card_authors)

    def item_categories(self, item: ArticlePage) -> list[str]:
        names = [tagged.tag.name for tagged in item.tagged_items.all()]
        if item.card_section is not None:
            names.insert(0, item.card_section.title)
        return names

    def item_enclosures(self, item: ArticlePage) -> list[Enclosure]:
        """The lead image as a 1200×630 rendition, with its real byte length and type."""
        if item.lead_image is None:
            return []
        url, rendition = seo.rendition_url(item.feed_request, item.lead_image, seo.FEED_IMAGE_FILTER)
        try:
            length = rendition.file.size
        except (OSError, ValueError):
            length = 0
        mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
        return [Enclosure(url, str(length), mime_type)]


class EditionAtomFeed(EditionFeed):
    feed_type = Atom1Feed


class SectionFeed(EditionFeed):
    def subject(self, request, home: HomePage, *, slug: str) -> Subject:
        section = get_object_or_404(SectionPage.objects.live().public().child_of(home), slug=slug)
        base = super().subject(request, home)
        base.title = f"{base.title}: {section.title}"
        base.link = section.get_full_url(request)
        base.description = section.intro or base.title
        base.articles = selectors.section_articles(section=section)
        return base


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed


class TagFeed(EditionFeed):
    def subject(self, request, home: HomePage, *, slug: str) -> Subject:
        tag = get_object_or_404(Tag, slug=slug)
        base = super().subject(request, home)
        base.title = f"{base.title}: {tag.name}"
        base.link = editions.absolute_url(request, home.get_url(request) + home.reverse_subpage("tag", args=[tag.slug]))
        base.description = base.title
        base.articles = selectors.articles_by_tag(tag=tag, locale=home.locale).descendant_of(home)
        return base


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed


class AuthorFeed(EditionFeed):
    def subject(self, request, home: HomePage, *, slug: str) -> Subject:
        author = get_object_or_404(Author, slug=slug)
        base = super().subject(request, home)
        base.title = f"{base.title}: {author.name}"
        base.link = editions.absolute_url(
            request, home.get_url(request) + home.reverse_subpage("author", args=[author.slug])
        )
        base.description = author.bio or base.title
        base.articles = selectors.articles_by_author(author=author, locale=home.locale).descendant_of(home)
        return base


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
