"""What search engines and social networks read in <head>: canonical, description, OpenGraph, Twitter
cards and JSON-LD (parsed and checked field by field)."""

from __future__ import annotations

import datetime
import json

import pytest
import wagtail_factories
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import Site

from articles.models import NewsroomSettings, Tag
from articles.tests.factories import ArticlePageFactory, AuthorFactory


def head(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").head


def meta(soup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def structured(soup) -> dict[str, dict]:
    """Each JSON-LD block by its @type; json.loads fails the test if a block is not valid JSON."""
    return {
        data["@type"]: data
        for data in (json.loads(s.string) for s in soup.find_all("script", type="application/ld+json"))
    }


@pytest.fixture
def article(site_tree):
    site_settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name_ar = "صوت المدينة"
    site_settings.x_handle = "@citynews"
    site_settings.logo = wagtail_factories.ImageFactory(file__width=800, file__height=200)
    site_settings.save()
    reporter = AuthorFactory(name="سلمى الحلبي", slug="salma", job_title="مراسلة", twitter_handle="@salma")
    desk = AuthorFactory(name="فريق التحرير", slug="desk", is_desk=True)
    page = ArticlePageFactory(
        parent=site_tree["sections"][0],
        title="نتائج الانتخابات البلدية",
        summary="فرز الأصوات انتهى والنتائج مؤقتة.",
        lead_image=wagtail_factories.ImageFactory(file__width=2000, file__height=1500),
        authors=[reporter, desk],
        tags=[Tag.objects.create(name="انتخابات", slug="elections")],
    )
    page.updated_at = timezone.now() - datetime.timedelta(minutes=10)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_article_head_has_canonical_description_and_social_cards(article, client):
    soup = head(client, article.url)
    url = "http://localhost" + article.url
    assert soup.find("link", rel="canonical")["href"] == url
    assert meta(soup, "description") == article.summary
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:url") == url
    assert meta(soup, "og:title") == article.title
    assert meta(soup, "og:locale") == "ar_AR"
    assert meta(soup, "og:site_name") == "صوت المدينة"
    assert meta(soup, "og:image").startswith("http://localhost/")
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
    assert meta(soup, "article:tag") == "انتخابات"
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:site") == "@citynews"
    assert meta(soup, "twitter:creator") == "@salma"
    assert meta(soup, "twitter:image") == meta(soup, "og:image")


def test_article_json_ld_news_article(article, client):
    soup = head(client, article.url)
    data = structured(soup)["NewsArticle"]
    url = "http://localhost" + article.url
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == article.title
    assert data["description"] == article.summary
    assert data["inLanguage"] == "ar"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert datetime.datetime.fromisoformat(data["datePublished"]) == article.first_published_at
    assert datetime.datetime.fromisoformat(data["dateModified"]) == article.updated_at
    assert data["articleSection"] == article.get_parent().title
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "سلمى الحلبي",
            "jobTitle": "مراسلة",
            "url": "http://localhost/authors/salma/",
        },
        {"@type": "Organization", "name": "فريق التحرير", "url": "http://localhost/authors/desk/"},
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == "صوت المدينة"
    assert publisher["logo"]["url"].startswith("http://localhost/")
    assert publisher["logo"]["width"] <= 600 and publisher["logo"]["height"] <= 60
    assert data["image"] == [meta(soup, "og:image")]


def test_breadcrumb_list(article, client):
    crumbs = structured(head(client, article.url))["BreadcrumbList"]["itemListElement"]
    section = article.get_parent()
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "الرئيسية", "http://localhost/"),
        (2, section.title, "http://localhost" + section.url),
        (3, article.title, "http://localhost" + article.url),
    ]


def test_json_ld_cannot_be_broken_out_of(site_tree, client):
    evil = 'خبر </script><script>alert("x")</script> & <!--'
    page = ArticlePageFactory(parent=site_tree["sections"][0], title=evil, summary=evil)
    html = client.get(page.url).content.decode()
    assert '</script><script>alert("x")' not in html
    data = structured(BeautifulSoup(html, "html.parser").head)["NewsArticle"]
    assert data["headline"] == evil


def test_home_and_section_pages_describe_the_site(article, client):
    home = structured(head(client, "/"))
    website = home["WebSite"]
    assert website["url"] == "http://localhost/"
    assert website["name"] == "صوت المدينة"
    assert website["potentialAction"]["target"] == "http://localhost/search/?q={search_term_string}"

    section = article.get_parent()
    soup = head(client, section.url)
    collection = structured(soup)["CollectionPage"]
    assert collection["url"] == "http://localhost" + section.url
    assert collection["inLanguage"] == "ar"
    assert meta(soup, "og:type") == "website"
    feeds = {link["href"] for link in soup.find_all("link", rel="alternate", type="application/rss+xml")}
    assert feeds == {"http://localhost/feeds/rss/", f"http://localhost/feeds/section/{section.slug}/rss/"}


def test_article_without_image_falls_back_to_the_logo_and_a_small_card(site_tree, client):
    page = ArticlePageFactory(parent=site_tree["sections"][0])
    soup = head(client, page.url)
    assert meta(soup, "og:image") is None  # no logo set either
    assert meta(soup, "twitter:card") == "summary"
    assert "image" not in structured(soup)["NewsArticle"]
