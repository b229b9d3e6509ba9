"""What a reader sees on the public pages: the article page in the outlet's order, the page shell
(language, direction, landmarks, back to top), listings, error pages, and nothing loaded from a CDN."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import wagtail_factories
from bs4 import BeautifulSoup
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Site

from articles.models import NewsroomSettings, Tag
from articles.tests.factories import ArticlePageFactory, AuthorFactory, translate
from articles.views import server_error

pytestmark = pytest.mark.django_db

ARABIC_INDIC = set("٠١٢٣٤٥٦٧٨٩")


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def position(soup: BeautifulSoup, element) -> int:
    """An element's index in document order, to compare where two elements sit."""
    assert element is not None
    for index, candidate in enumerate(soup.find_all(True)):
        if candidate is element:
            return index
    raise AssertionError("element not in document")


def newsroom_settings(**values) -> NewsroomSettings:
    site_settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(site_settings, name, value)
    site_settings.save()
    return site_settings


@pytest.fixture
def story(site_tree):
    """An article with everything the seed page shows: kicker, lead image, two reporters, a tag and
    two related articles in the same section."""
    section = site_tree["sections"][0]
    tag = Tag.objects.create(name="حلب", slug="aleppo")
    for n in range(2):
        ArticlePageFactory(parent=section, title=f"خبر ذو صلة {n}")
    article = ArticlePageFactory(
        parent=section,
        title="“اجتماع” اﻷسد في حلب – بلا اتفاق",
        kicker="حصري",
        lead_image=wagtail_factories.ImageFactory(),
        lead_image_caption="مشهد من المدينة",
        lead_image_credit="رويترز",
        authors=[AuthorFactory(name="ليلى الحسن", slug="layla"), AuthorFactory(name="John Smith", slug="john")],
        tags=[tag],
    )
    return article


def test_article_page_keeps_the_seed_page_order(client, story, site_tree):
    soup = soup_of(client.get(story.url))
    section = site_tree["sections"][0]

    section_label = soup.select_one(".breadcrumbs a.article__section")
    assert section_label.get_text(strip=True) == section.title
    assert section_label["href"] == section.url

    [h1] = soup.find_all("h1")
    byline = soup.select_one(".byline")
    body = soup.select_one(".article__body")
    related_heading = soup.find(id="related-heading")
    comments = soup.select_one(".article-comments")
    back_to_top = soup.select_one("a.back-to-top")
    kicker = soup.select_one(".article__kicker")
    order = [section_label, kicker, h1, byline, body, related_heading, comments, back_to_top]
    positions = [position(soup, element) for element in order]
    assert positions == sorted(positions), positions

    assert related_heading.get_text(strip=True) == "مقالات ذات صلة"
    related_titles = {a.get_text(strip=True) for a in soup.select(".related .card__title a")}
    assert related_titles == {"خبر ذو صلة 0", "خبر ذو صلة 1"}
    assert back_to_top["href"] == "#top"
    assert back_to_top["aria-label"] == "العودة إلى أعلى الصفحة"
    assert soup.body["id"] == "top"


def test_headline_is_rendered_exactly_as_typed(client, story):
    soup = soup_of(client.get(story.url))
    # Curly quotes, the presentation-form ligature ﻷ and the en dash survive untouched.
    assert soup.h1.get_text() == "“اجتماع” اﻷسد في حلب – بلا اتفاق"


def test_byline_links_each_author_and_joins_them_naturally(client, story, site_tree):
    soup = soup_of(client.get(story.url))
    names = soup.select_one(".byline__names")
    links = names.find_all("a")
    assert [a["href"] for a in links] == ["/authors/layla/", "/authors/john/"]
    assert all(a.find("bdi") for a in links)
    assert names.get_text() == "ليلى الحسن وJohn Smith"
    assert soup.select_one(".byline__by").get_text() == "بقلم"
    # The author page answers at that address.
    assert client.get("/authors/layla/").status_code == 200


def test_desk_byline_is_shown_as_the_desk(client, site_tree):
    desk = AuthorFactory(name="فريق التحرير", slug="desk", is_desk=True)
    article = ArticlePageFactory(parent=site_tree["sections"][0], authors=[desk])
    soup = soup_of(client.get(article.url))
    assert soup.select_one(".byline .byline__desk").get_text() == "فريق التحرير"
    assert soup.select_one(".byline__by") is None


def test_lead_image_loads_first_and_cards_lazily(client, story):
    soup = soup_of(client.get(story.url))
    lead = soup.select_one(".article__lead-image img")
    assert lead["fetchpriority"] == "high" and not lead.has_attr("loading")
    assert lead["width"] and lead["height"]
    assert [s["type"] for s in soup.select(".article__lead-image source")] == ["image/webp"]
    caption = soup.select_one(".article__lead-image figcaption").get_text(" ", strip=True)
    assert "مشهد من المدينة" in caption and "رويترز" in caption


def test_share_links_are_plain_links_and_copy_needs_javascript(client, story):
    soup = soup_of(client.get(story.url))
    hrefs = [a["href"] for a in soup.select(".share a.share__link")]
    hosts = [re.match(r"https://([^/]+)/", href).group(1) for href in hrefs]
    assert hosts == ["wa.me", "t.me", "x.com", "www.facebook.com"]
    shared_url = quote(story.full_url, safe="")
    assert all(shared_url in href for href in hrefs), hrefs
    assert soup.select_one(".share__copy").has_attr("hidden")
    assert not soup.select(".share script")
    # Each button is an inline icon (nothing fetched from the networks) with the network's name for
    # screen readers; the icon itself is hidden from them.
    for link in soup.select(".share .share__link"):
        icon = link.select_one("svg.share__icon")
        assert icon and icon["aria-hidden"] == "true" and not icon.select("image, use")
        assert link.select_one(".share__label").get_text(strip=True)


def test_the_outlets_logo_from_the_settings_replaces_the_name_in_the_header(client, site_tree):
    logo = wagtail_factories.ImageFactory(file__width=600, file__height=150)
    newsroom_settings(site_name="صحيفة الاختبار", logo=logo)
    img = soup_of(client.get(site_tree["home"].url)).select_one(".site-header__name img.site-header__logo")
    assert img["alt"] == "صحيفة الاختبار"
    assert (img["width"], img["height"]) == ("384", "96")
    assert img["src"].startswith("/media/images/")


def test_a_lead_story_without_a_picture_is_a_text_lead(client, site_tree):
    ArticlePageFactory(parent=site_tree["sections"][0])
    lead = ArticlePageFactory(
        parent=site_tree["sections"][0], title="خبر رئيسي بلا صورة", first_published_at=timezone.now()
    )
    ArticlePageFactory(parent=site_tree["sections"][1], lead_image=wagtail_factories.ImageFactory())
    soup = soup_of(client.get(site_tree["home"].url))
    card = soup.select_one(".front-top__lead .card--lead")
    assert "card--no-image" in card["class"] and not card.select(".card__media")
    assert card.select_one(".card__title").get_text() == lead.title
    assert card.select_one(".card__summary").get_text() == lead.summary


def test_tags_link_to_tag_pages(client, story):
    soup = soup_of(client.get(story.url))
    [tag_link] = soup.select(".article__tags a")
    assert tag_link.get_text() == "حلب"
    assert tag_link["href"] == "/tags/aleppo/"
    tag_page = soup_of(client.get(tag_link["href"]))
    assert tag_page.h1.get_text() == "حلب"
    assert story.title in [a.get_text() for a in tag_page.select(".card__title a")]


def test_updated_date_only_when_set(client, site_tree):
    section = site_tree["sections"][0]
    fresh = ArticlePageFactory(parent=section)
    assert soup_of(client.get(fresh.url)).select_one(".article__updated") is None

    fresh.updated_at = timezone.now()
    fresh.save_revision().publish()
    updated = soup_of(client.get(fresh.url)).select_one(".article__updated")
    assert updated.get_text(" ", strip=True).startswith("آخر تحديث")
    assert updated.find("time")["datetime"].startswith(str(timezone.localdate()))


def test_reading_time_uses_arabic_plural_forms(client, site_tree):
    words = " ".join(["كلمة"] * settings.NEWSROOM["READING_WORDS_PER_MINUTE"] * 2)
    article = ArticlePageFactory(parent=site_tree["sections"][0], body=[("paragraph", f"<p>{words}</p>")])
    soup = soup_of(client.get(article.url))
    assert soup.select_one(".article__reading-time").get_text(strip=True) == "مدة القراءة: دقيقتان"


def test_dates_follow_the_digits_setting(client, site_tree):
    article = ArticlePageFactory(parent=site_tree["sections"][0])
    western = soup_of(client.get(article.url)).select_one(".article__published time").get_text()
    assert re.search("[0-9]", western) and not ARABIC_INDIC & set(western)

    newsroom_settings(digits=NewsroomSettings.DIGITS_ARABIC_INDIC)
    arabic = soup_of(client.get(article.url)).select_one(".article__published time")
    assert ARABIC_INDIC & set(arabic.get_text()) and not re.search("[0-9]", arabic.get_text())
    # The machine-readable date stays ASCII ISO 8601.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", arabic["datetime"])


def test_hijri_date_beside_the_gregorian_one_when_enabled(client, site_tree):
    article = ArticlePageFactory(
        parent=site_tree["sections"][0], first_published_at=datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC)
    )
    type(article).objects.filter(pk=article.pk).update(
        first_published_at=datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC)
    )
    assert soup_of(client.get(article.url)).select_one(".hijri-date") is None
    newsroom_settings(show_hijri_date=True)
    hijri = soup_of(client.get(article.url)).select_one(".article__published .hijri-date").get_text()
    assert hijri == "(4 رمضان 1446 هـ)"


@pytest.mark.parametrize("which", ["home", "section", "article"])
def test_arabic_pages_are_rtl_with_one_h1_and_landmarks(client, story, site_tree, which):
    url = {"home": site_tree["home"].url, "section": site_tree["sections"][0].url, "article": story.url}[which]
    soup = soup_of(client.get(url))
    assert soup.html["lang"] == "ar" and soup.html["dir"] == "rtl"
    assert len(soup.find_all("h1")) == 1
    assert soup.find("header") and soup.find("main", id="main") and soup.find("footer")
    assert soup.find("form", role="search")["action"] == "/search/"
    skip = soup.select_one("a.skip-link")
    assert skip["href"] == "#main" and position(soup, skip) < position(soup, soup.find("header"))


def test_header_shows_site_name_and_sections(client, site_tree):
    newsroom_settings(site_name="صحيفة الاختبار", footer_text="كل الحقوق محفوظة", telegram_url="https://t.me/test")
    soup = soup_of(client.get(site_tree["sections"][1].url))
    assert soup.select_one(".site-header__name").get_text(strip=True) == "صحيفة الاختبار"
    nav = soup.select(".site-nav a")
    assert [a.get_text() for a in nav] == [s.title for s in site_tree["sections"]]
    assert nav[1]["aria-current"] == "page" and not nav[0].has_attr("aria-current")
    assert "كل الحقوق محفوظة" in soup.select_one(".site-footer").get_text()
    assert soup.select_one('.site-footer__social a[href="https://t.me/test"]')


def test_home_page_has_lead_latest_sections_and_breaking_strip(client, site_tree):
    section = site_tree["sections"][0]
    breaking = ArticlePageFactory(parent=section, title="عاجل: انفجار في المرفأ", is_breaking=True)
    expired = ArticlePageFactory(parent=section, title="خبر عاجل انتهت مدته", is_breaking=True)
    type(expired).objects.filter(pk=expired.pk).update(breaking_until=timezone.now() - datetime.timedelta(minutes=1))
    soup = soup_of(client.get(site_tree["home"].url))
    assert [a.get_text() for a in soup.select(".breaking__list a")] == [breaking.title]
    assert soup.select_one(".breaking__list a")["href"] == breaking.url
    assert soup.select_one(".front-top__lead .card__title a").get_text() == breaking.title
    block_heading = soup.select_one(".section-block .section-heading a")
    assert block_heading.get_text() == section.title


def test_home_page_without_breaking_news_has_no_strip(client, site_tree):
    ArticlePageFactory(parent=site_tree["sections"][0])
    assert soup_of(client.get(site_tree["home"].url)).select_one(".breaking") is None


def test_section_page_paginates_accessibly(client, site_tree, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SECTION_PAGE_SIZE": 2}
    section = site_tree["sections"][0]
    articles = [ArticlePageFactory(parent=section) for _ in range(3)]  # newest is articles[0]
    first = soup_of(client.get(section.url))
    assert first.select_one(".listing__lead .card__title a").get_text() == articles[0].title
    nav = first.select_one("nav.pagination")
    assert nav["aria-label"] == "الصفحات"
    assert nav.select_one('[aria-current="page"]').get_text(" ", strip=True) == "الصفحة 1"
    assert nav.select_one('a[rel="next"]')["href"] == "?page=2"

    second = soup_of(client.get(section.url + "?page=2"))
    assert second.select_one(".listing__lead") is None
    assert [a.get_text() for a in second.select(".card__title a")] == [articles[2].title]
    assert client.get(section.url + "?page=9").status_code == 404


def test_author_page_lists_their_articles(client, story):
    soup = soup_of(client.get("/authors/layla/"))
    assert soup.h1.get_text() == "ليلى الحسن"
    assert [a.get_text() for a in soup.select(".card__title a")] == [story.title]


def test_english_edition_is_ltr_with_english_dates_and_western_digits(client, story):
    newsroom_settings(digits=NewsroomSettings.DIGITS_ARABIC_INDIC, show_hijri_date=True)
    english = translate(story, "en", title="Aleppo talks end without a deal")
    soup = soup_of(client.get(english.url))
    assert soup.html["lang"] == "en" and soup.html["dir"] == "ltr"
    published = soup.select_one(".article__published").get_text(" ", strip=True)
    assert not ARABIC_INDIC & set(published)
    month = timezone.localtime(english.first_published_at).strftime("%B")
    assert month in published and "AH" in published
    assert soup.select_one(".back-to-top")["aria-label"] == "Back to top"


def test_not_found_page_is_arabic_and_in_the_site_design(client, site_tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.html["lang"] == "ar" and soup.html["dir"] == "rtl"
    assert soup.h1.get_text() == "الصفحة غير موجودة"
    assert soup.select_one(".site-header") and soup.select_one(".site-footer")


def test_server_error_page_renders_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html", {})
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["dir"] == "rtl"
    assert soup.h1.get_text() == "حدث خطأ ما"
    assert "/static/css/site.css" in html


# --- Nothing from a CDN -------------------------------------------------------------------------

FRONT_END_DIRS = [settings.BASE_DIR / "templates", settings.BASE_DIR / "static"] + [
    path for path in settings.BASE_DIR.glob("*/templates") if ".venv" not in path.parts
]
# A resource the browser would fetch from someone else's server: scripts, stylesheets, fonts, images.
EXTERNAL_RESOURCE = re.compile(
    r"""<(?:script|link|img|source|iframe)\b[^>]*\b(?:src|href|srcset)=["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)
CDN_HOSTS = re.compile(
    r"cdn\.|cdnjs|jsdelivr|unpkg|googleapis|gstatic|bootstrapcdn|fontawesome|cloudflare|jquery\.com|typekit",
    re.IGNORECASE,
)


def front_end_files() -> list[Path]:
    files = []
    for directory in FRONT_END_DIRS:
        for path in directory.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".css", ".js", ".txt", ".xml", ".svg"}:
                files.append(path)
    return files


def test_front_end_files_are_found():
    names = {path.name for path in front_end_files()}
    assert {"base.html", "article_page.html", "site.css", "fonts.css", "site.js"} <= names


@pytest.mark.parametrize("path", front_end_files(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_cdn_in_templates_or_static_files(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    assert not EXTERNAL_RESOURCE.search(text), EXTERNAL_RESOURCE.search(text).group(0)
    assert not CDN_HOSTS.search(text), CDN_HOSTS.search(text).group(0)


def test_fonts_are_self_hosted_with_their_licence():
    fonts_css = (settings.BASE_DIR / "static/css/fonts.css").read_text()
    sources = re.findall(r'url\("\.\./fonts/([^"]+)"\)', fonts_css)
    # Two typefaces: Noto Kufi Arabic (UI, 400 and 700) and Noto Naskh Arabic (reading text, 400), each
    # file an Arabic or a Latin subset fetched only when the page uses its characters.
    assert len(sources) == 6 and fonts_css.count("unicode-range:") == 6
    assert fonts_css.count("font-display: swap;") == 6
    assert set(re.findall(r'font-family: "([^"]+)"', fonts_css)) == {"Noto Kufi Arabic", "Noto Naskh Arabic"}
    for source in sources:
        assert (settings.BASE_DIR / "static/fonts" / source).is_file()
        licence = (settings.BASE_DIR / "static/fonts" / source).parent / "OFL.txt"
        assert "SIL Open Font License" in licence.read_text()


def test_stylesheets_use_logical_properties_only():
    physical = re.compile(
        r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right)\s*:|text-align:\s*(?:left|right)"
        r"|float:\s*(?:left|right)"
    )
    for name in ("site.css", "print.css"):
        css = (settings.BASE_DIR / "static/css" / name).read_text()
        assert not physical.search(css), (name, physical.search(css).group(0))
