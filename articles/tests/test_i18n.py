"""The English edition: /en/ left to right, the language switcher, hreflang pairs, shared data in the
edition's language, and the side-by-side translation fields in the admin."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from articles.models import NewsroomSettings
from articles.tests.factories import ArticlePageFactory, AuthorFactory, translate


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def hreflangs(soup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in soup.head.find_all("link", rel="alternate", hreflang=True)}


def switcher(soup) -> dict[str, str]:
    nav = soup.find("nav", class_="language-switcher")
    assert nav is not None
    return {a["hreflang"]: a["href"] for a in nav.find_all("a")}


@pytest.fixture
def editions(site_tree):
    home = site_tree["home"]
    news = site_tree["sections"][0]
    author = AuthorFactory(name="سلمى الحلبي", slug="salma")
    arabic = ArticlePageFactory(parent=news, title="خبر مترجم", authors=[author])
    english = translate(arabic, "en", title="A translated story", slug="translated-story")
    only_arabic = ArticlePageFactory(parent=news, title="خبر بالعربية فقط", authors=[author])
    return {
        "home": home,
        "english_home": home.get_translation(english.locale),
        "arabic": arabic,
        "english": english,
        "only_arabic": only_arabic,
        "author": author,
    }


def test_english_edition_is_served_left_to_right(editions, client):
    english = soup_of(client, "/en/")
    arabic = soup_of(client, "/")
    assert (english.html["lang"], english.html["dir"]) == ("en", "ltr")
    assert (arabic.html["lang"], arabic.html["dir"]) == ("ar", "rtl")
    article = soup_of(client, editions["english"].url)
    assert article.html["dir"] == "ltr"
    assert article.find("h1").get_text(strip=True) == "A translated story"


def test_translated_pages_point_at_each_other(editions, client):
    arabic_url = "http://localhost" + editions["arabic"].url
    english_url = "http://localhost" + editions["english"].url
    expected = {"ar": arabic_url, "en": english_url, "x-default": arabic_url}
    assert hreflangs(soup_of(client, editions["arabic"].url)) == expected
    assert hreflangs(soup_of(client, editions["english"].url)) == expected
    # Home pages are translations of each other too.
    assert hreflangs(soup_of(client, "/en/")) == {
        "ar": "http://localhost/",
        "en": "http://localhost/en/",
        "x-default": "http://localhost/",
    }


def test_switcher_links_to_the_translation_or_the_other_home(editions, client):
    assert switcher(soup_of(client, editions["arabic"].url)) == {"en": "http://localhost" + editions["english"].url}
    assert switcher(soup_of(client, editions["english"].url)) == {"ar": "http://localhost" + editions["arabic"].url}
    untranslated = soup_of(client, editions["only_arabic"].url)
    assert switcher(untranslated) == {"en": "http://localhost/en/"}
    assert hreflangs(untranslated) == {}


def test_switcher_keeps_routes_and_search(editions, client):
    author_page = soup_of(client, "/authors/salma/")
    assert switcher(author_page) == {"en": "http://localhost/en/authors/salma/"}
    search = soup_of(client, "/en/search/?q=story")
    assert switcher(search) == {"ar": "http://localhost/search/?q=story"}


def test_shared_data_shows_in_the_editions_language(editions, client):
    site_settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name_ar = "صوت المدينة"
    site_settings.site_name_en = "City Voice"
    site_settings.save()
    author = editions["author"]

    english = client.get(editions["english"].url).content.decode()
    assert "City Voice" in english
    # No English name yet: the Arabic one, rather than nothing.
    assert "سلمى الحلبي" in english

    author.name_en = "Salma al-Halabi"
    author.save()
    english = client.get(editions["english"].url).content.decode()
    arabic = client.get(editions["arabic"].url).content.decode()
    assert "Salma al-Halabi" in english
    assert "Salma al-Halabi" not in arabic
    assert "صوت المدينة" in arabic


def test_admin_edits_translations_side_by_side(editions, admin_client):
    author = editions["author"]
    response = admin_client.get(f"/admin/snippets/articles/author/edit/{author.pk}/")
    assert response.status_code == 200
    form = BeautifulSoup(response.content, "html.parser")
    assert form.find("input", attrs={"name": "name_ar"})["dir"] == "rtl"
    assert form.find("input", attrs={"name": "name_en"})["dir"] == "ltr"
    assert form.find("textarea", attrs={"name": "bio_en"})["dir"] == "ltr"
    assert form.find("input", attrs={"name": "name"}) is None

    site = Site.objects.get(is_default_site=True)
    response = admin_client.get(f"/admin/settings/articles/newsroomsettings/{site.pk}/")
    assert response.status_code == 200
    form = BeautifulSoup(response.content, "html.parser")
    assert form.find("input", attrs={"name": "site_name_en"})["dir"] == "ltr"
    assert form.find("textarea", attrs={"name": "footer_text_ar"})["dir"] == "rtl"


def test_admin_saves_an_english_author_name(editions, admin_client):
    author = editions["author"]
    url = f"/admin/snippets/articles/author/edit/{author.pk}/"
    response = admin_client.post(
        url,
        {
            "name_ar": author.name_ar,
            "name_en": "Salma al-Halabi",
            "slug": author.slug,
            "job_title_ar": "",
            "job_title_en": "",
            "bio_ar": "",
            "bio_en": "",
            "twitter_handle": "",
        },
    )
    assert response.status_code == 302
    author.refresh_from_db()
    assert (author.name_ar, author.name_en) == ("سلمى الحلبي", "Salma al-Halabi")


def test_tags_can_be_translated_in_the_admin(editions, admin_client):
    response = admin_client.get("/admin/snippets/articles/tag/add/")
    assert response.status_code == 200
    form = BeautifulSoup(response.content, "html.parser")
    assert form.find("input", attrs={"name": "name_en"})["dir"] == "ltr"
