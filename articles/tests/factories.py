"""Factories for the page tree, so a test says in one line what it needs.

`site_tree()` builds Root → HomePage → SectionPage for the default (Arabic) locale and points the
default Site at it, which most page tests need before anything renders.
"""

from __future__ import annotations

import datetime

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from articles.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"مراسل {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")
    is_desk = False


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "الرئيسية"
    slug = factory.Sequence(lambda n: f"home-{n}")


class SectionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SectionPage

    title = factory.Sequence(lambda n: f"قسم {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class ArticlePageFactory(wagtail_factories.PageFactory):
    """A published article with one author. Pass `tags=[...]` to tag it, `authors=[...]` for a byline."""

    class Meta:
        model = ArticlePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"خبر رقم {n} عن “الأحداث” في حلب")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "ملخّص قصير للخبر يظهر في البطاقات والخلاصات."
    body = factory.LazyFunction(
        lambda: [("paragraph", "<p>قالت مصادر محلية لـ“رويترز” إنّ الاجتماع انتهى دون اتفاق.</p>")]
    )
    first_published_at = factory.Sequence(lambda n: timezone.now() - datetime.timedelta(hours=n + 1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for order, author in enumerate(extracted or [AuthorFactory()]):
            ArticleAuthor.objects.create(page=self, author=author, sort_order=order)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)
            self.save_revision().publish()


def site_tree(*, sections: int = 1) -> tuple[HomePage, list[SectionPage]]:
    """Root → HomePage (Arabic) → `sections` SectionPages, with the default Site pointing at home."""
    Locale.objects.get_or_create(language_code="ar")
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        site.root_page = home
        site.save()
    else:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="test")
    return home, [SectionPageFactory(parent=home) for _ in range(sections)]


def translate(page: Page, language_code: str = "en", **changes) -> Page:
    """A published translation of `page` into `language_code`, translating its ancestors first (the
    home page, then the section) the way an editor does with wagtail.contrib.simple_translation."""
    locale, _ = Locale.objects.get_or_create(language_code=language_code)
    page = page.specific
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    parent = page.get_parent()
    if parent.depth > 1 and parent.get_translation_or_none(locale) is None:
        translate(parent, language_code)
    translated = page.copy_for_translation(locale)
    for name, value in changes.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated.specific
