"""`manage.py load_demo`: the demo newsroom a newcomer sees on `make run`.

Loading takes several seconds, so the module loads it once (and a second time, to prove the second
run changes nothing) inside a transaction that is rolled back when the module is done; every test
then reads from that data inside its own savepoint.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.sites.models import Site as DjangoSite
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, ReferenceIndex, Revision, Site

from articles.models import (
    ArticleAuthor,
    ArticleDailyViews,
    ArticlePage,
    ArticleRelatedPick,
    ArticleTag,
    Author,
    HomePage,
    NewsroomSettings,
    SectionPage,
    Tag,
)
from articles.text import normalise_arabic
from demo import content as demo_content
from demo.images import HEIGHT, WIDTH, render_jpeg

pytestmark = pytest.mark.django_db

# Small drawings: every first view of a page makes its renditions, which cost more the bigger the
# original. The default size is checked on the drawing itself below.
IMAGE_SIZE = (160, 90)


def snapshot() -> dict:
    """Everything a second run could add to or change, counted or fingerprinted."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "collections": Collection.objects.count(),
        "authors": Author.objects.count(),
        "tags": Tag.objects.count(),
        "article tags": ArticleTag.objects.count(),
        "bylines": ArticleAuthor.objects.count(),
        "related picks": ArticleRelatedPick.objects.count(),
        "view counts": sorted(ArticleDailyViews.objects.values_list("article_id", "day", "views")),
        "locales": Locale.objects.count(),
        "sites": Site.objects.count(),
        "settings": NewsroomSettings.objects.count(),
        "references": ReferenceIndex.objects.count(),
        "publication times": sorted(
            (p.pk, p.first_published_at, p.last_published_at) for p in Page.objects.exclude(depth=1)
        ),
        "breaking until": list(ArticlePage.objects.filter(is_breaking=True).values_list("pk", "breaking_until")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Run load_demo twice on a fresh database; roll everything back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        welcome_before = list(Page.objects.filter(depth=2).values_list("title", flat=True))
        first_output = io.StringIO()
        call_command("load_demo", image_size=f"{IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}", stdout=first_output)
        after_first = snapshot()
        second_output = io.StringIO()
        call_command("load_demo", image_size=f"{IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}", stdout=second_output)
        after_second = snapshot()
        yield {
            "welcome_before": welcome_before,
            "first_output": first_output.getvalue(),
            "second_output": second_output.getvalue(),
            "after_first": after_first,
            "after_second": after_second,
        }
        transaction.set_rollback(True)
    # Wagtail caches the site root paths; do not leave ours to the next module.
    cache.clear()


def arabic_articles():
    return ArticlePage.objects.live().filter(locale__language_code="ar")


def raw_text(article: ArticlePage) -> str:
    """What a reader reads, exactly as typed (no normalisation)."""
    return "\n".join([article.title, article.summary, article.lead_image_caption, article.body_text])


def test_tree_home_sections_and_articles(demo):
    root = Page.get_first_root_node()
    home = HomePage.objects.get(locale__language_code="ar")
    assert home.get_parent().pk == root.pk
    assert home.live

    sections = SectionPage.objects.child_of(home).live()
    assert sections.count() >= 4
    assert {s.slug for s in sections} >= {"news", "reports", "opinion", "economy"}

    articles = arabic_articles()
    assert articles.count() >= 30
    for section in sections:
        assert articles.child_of(section).exists(), f"section {section.slug} has no articles"
    # URLs follow the tree: /<section>/<article-slug>/ with Arabic at the root.
    article = articles.get(slug="aleppo-water-pumping-restored")
    assert article.url == "/news/aleppo-water-pumping-restored/"


def test_welcome_page_gone_and_sites_point_at_home(demo):
    assert "Welcome to your new Wagtail site!" in demo["welcome_before"]
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()

    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == HomePage.objects.get(locale__language_code="ar")
    assert (site.hostname, site.port) == ("localhost", 80)

    django_site = DjangoSite.objects.get_current()
    assert django_site.domain == "127.0.0.1:8000"
    assert django_site.name == "المرصد"


def test_second_run_changes_nothing(demo):
    assert demo["after_second"] == demo["after_first"]
    assert "nothing to do" in demo["second_output"]
    assert re.search(rf"articles +{len(demo_content.ARTICLES)} created", demo["first_output"])


def test_english_edition_is_linked_by_translation(demo):
    ar_home = HomePage.objects.get(locale__language_code="ar")
    en_home = HomePage.objects.get(locale__language_code="en")
    assert en_home.translation_key == ar_home.translation_key
    assert en_home.get_parent().is_root()
    assert en_home.live and en_home.title == "Al-Marsad"

    en_sections = SectionPage.objects.child_of(en_home).live()
    assert {s.title for s in en_sections} >= {"News", "Reports", "Opinion", "Economy", "Culture"}

    en_articles = ArticlePage.objects.live().filter(locale=en_home.locale)
    assert en_articles.count() >= 6
    for article in en_articles:
        source = article.get_translation(ar_home.locale)
        assert source.live
        for field in (article.title, article.summary, article.lead_image_caption, article.lead_image_credit):
            assert not re.search("[\u0600-\u06ff]", field), field
        assert article.body_text and not re.search("[\u0600-\u06ff]", article.body_text)
        # Related picks stay within the English edition.
        assert all(pick.article.locale_id == en_home.locale_id for pick in article.related_picks.all())


def test_pages_are_served(demo, client):
    property_report = arabic_articles().get(slug="property-records-review")
    english = ArticlePage.objects.get(locale__language_code="en", slug="aleppo-old-city-returnees")
    arabic_slug = arabic_articles().get(slug="انقطاع-الكهرباء-عن-أعزاز")
    for url in ["/", "/news/", "/en/", "/en/news/", property_report.url, english.url, arabic_slug.url]:
        response = client.get(url)
        assert response.status_code == 200, url

    # Headlines are rendered as typed: the presentation-form ligature survives into the page.
    html = client.get(property_report.url).content.decode()
    assert "ا\ufef7سد" in html
    assert "Al-Marsad" in client.get("/en/").content.decode()


def test_both_front_pages_have_a_most_read_column(demo, client):
    for url in ("/", "/en/"):
        html = client.get(url).content.decode()
        assert html.count('class="most-read__item"') == 5, url


def test_text_has_the_outlets_real_world_quirks(demo):
    texts = [raw_text(article) for article in arabic_articles()]
    everything = "\n".join(texts)
    for char, name in [
        ("\ufef7", "lam-alef with hamza ligature"),
        ("\ufef9", "lam-alef with hamza below ligature"),
        ("\ufef5", "lam-alef with madda ligature"),
        ("لـ", "tatweel after a preposition"),
        ("بـ", "tatweel after a preposition"),
        ("“", "curly opening quote"),
        ("”", "curly closing quote"),
        ("–", "en dash"),
        ("٢٠٢٦", "Arabic-Indic digits"),
        ("Reuters", "a news agency in Latin letters"),
        ("AFP", "a news agency in Latin letters"),
        ("SDF", "a militia's acronym"),
    ]:
        assert char in everything, name
    assert re.search("[\u064b-\u0652]", everything), "some diacritics"
    for town in ["حلب", "إدلب", "منبج", "عفرين", "جرابلس", "سراقب", "الرقة", "القامشلي"]:
        assert town in everything, town

    paragraphs = [
        block.value.source for article in arabic_articles() for block in article.body if block.block_type == "paragraph"
    ]
    assert any(not p.removesuffix("</p>").rstrip().endswith((".", "؟", "!", "”")) for p in paragraphs)


def test_articles_are_complete(demo):
    articles = list(arabic_articles())
    for article in articles:
        paragraphs = [b for b in article.body if b.block_type == "paragraph"]
        assert 4 <= len(paragraphs) <= 9, article.slug
        assert article.summary
        assert article.lead_image and article.lead_image_caption and article.lead_image_credit
        assert article.authors
    assert any(len(a.authors) == 2 for a in articles)
    assert any(b.block_type == "heading" for a in articles for b in a.body)
    quotes = [b.value for a in articles for b in a.body if b.block_type == "quote"]
    assert quotes and all(q["attribution"] for q in quotes)
    images = [b.value for a in articles for b in a.body if b.block_type == "image"]
    assert images and all(i["caption"] and i["credit"] for i in images)
    assert ArticleRelatedPick.objects.filter(page__locale__language_code="ar").count() >= 3
    assert all(a.tags.exists() for a in articles if a.section.slug != "opinion")


def test_publication_dates_are_spread_over_three_weeks(demo):
    now = timezone.now()
    dates = sorted(a.first_published_at for a in arabic_articles())
    assert now - dates[0] <= datetime.timedelta(days=22)
    assert dates[-1] - dates[0] >= datetime.timedelta(days=14)
    assert dates[-1] <= now
    assert len(set(dates)) == len(dates), "distinct times, so listings have one order"
    updated = [a for a in arabic_articles() if a.updated_at]
    assert updated and all(a.first_published_at < a.updated_at <= now for a in updated)


def test_exactly_one_breaking_story(demo):
    breaking = [a for a in arabic_articles() if a.is_breaking_now]
    assert len(breaking) == 1
    assert breaking[0].breaking_until > timezone.now() + datetime.timedelta(hours=24)


def test_authors_tags_and_settings(demo):
    desk = Author.objects.get(is_desk=True)
    assert (desk.name_ar, desk.name_en) == ("فريق التحرير", "Editorial team")
    people = Author.objects.filter(is_desk=False)
    assert people.count() >= 5
    assert all(p.name_ar and p.name_en and p.job_title_en and p.bio_ar for p in people)
    assert all(t.name_ar and t.name_en for t in Tag.objects.all())

    settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    assert (settings.site_name_ar, settings.site_name_en) == ("المرصد", "Al-Marsad")
    assert settings.tagline_ar and settings.footer_text_en and settings.telegram_url


def test_lead_images_are_drawn_and_kept_in_the_demo_collection(demo):
    collection = Collection.objects.get(name="Demo")
    lead_ids = set(arabic_articles().values_list("lead_image_id", flat=True))
    images = get_image_model().objects.filter(pk__in=lead_ids)
    assert images.count() == arabic_articles().count(), "one drawing per article"
    assert all(i.collection_id == collection.pk and (i.width, i.height) == IMAGE_SIZE for i in images)
    assert PILImage.open(io.BytesIO(render_jpeg("tabqa-lake-levels", "#1f5f8b"))).size == (WIDTH, HEIGHT)
    # Deterministic: the same seed draws the same picture, so a fresh database gets the same demo.
    assert render_jpeg("tabqa-lake-levels", "#1f5f8b") == render_jpeg("tabqa-lake-levels", "#1f5f8b")
    assert render_jpeg("tabqa-lake-levels", "#1f5f8b") != render_jpeg("raqqa-old-bridge-reopens", "#1f5f8b")


@pytest.mark.parametrize("query", list(demo_content.SEARCH_FIXTURES))
def test_search_fixtures_need_normalisation_and_are_found(demo, client, query):
    """Each listed article spells the query differently (ligature, diacritics, ى, digits, tatweel), so
    plain matching would miss it; the site's search must find it."""
    with translation.override("ar"):  # an earlier test's English request may have left English active
        url = reverse("search")
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    for slug in demo_content.SEARCH_FIXTURES[query]:
        article = arabic_articles().get(slug=slug)
        text = raw_text(article)
        assert query not in text, f"{slug} contains {query!r} as typed: not a normalisation fixture"
        assert normalise_arabic(query) in normalise_arabic(text)
        assert f'href="{article.url}"' in html, (query, slug)
