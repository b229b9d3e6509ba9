"""The template tags behind dates, digits, bylines and the breaking-news strip."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Site

from articles.models import NewsroomSettings
from articles.templatetags.newsroom_tags import hijri_date, join_names, search_url
from articles.tests.factories import ArticlePageFactory, AuthorFactory

pytestmark = pytest.mark.django_db

NOON_UTC = datetime.datetime(2025, 3, 4, 9, 5, tzinfo=datetime.UTC)  # 12:05 in Damascus (UTC+3)


def render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    return Template("{% load newsroom_tags %}" + source).render(Context({"request": request, **context}))


def set_newsroom(**values):
    site_settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(site_settings, name, value)
    site_settings.save()


@pytest.fixture
def arabic():
    with translation.override("ar"):
        yield


def test_news_date_in_arabic_with_western_digits_by_default(site_tree, arabic):
    html = render("{% news_date when %}", when=NOON_UTC)
    time = BeautifulSoup(html, "html.parser").time
    assert time.get_text() == "4 مارس 2025"
    assert time["datetime"] == "2025-03-04T12:05:00+03:00"


def test_news_date_with_arabic_indic_digits_and_time(site_tree, arabic):
    set_newsroom(digits=NewsroomSettings.DIGITS_ARABIC_INDIC)
    html = render("{% news_date when with_time=True %}", when=NOON_UTC)
    assert BeautifulSoup(html, "html.parser").time.get_text() == "٤ مارس ٢٠٢٥، ١٢:٠٥ م"


def test_hijri_date_beside_the_gregorian_date(site_tree, arabic):
    set_newsroom(show_hijri_date=True, digits=NewsroomSettings.DIGITS_ARABIC_INDIC)
    soup = BeautifulSoup(render("{% news_date when %}", when=NOON_UTC), "html.parser")
    assert soup.select_one(".hijri-date").get_text() == "(٤ رمضان ١٤٤٦ هـ)"
    # Compact cards leave it out.
    assert "hijri-date" not in render("{% news_date when hijri=False %}", when=NOON_UTC)


def test_hijri_date_is_omitted_outside_the_calendar_range(site_tree, arabic):
    set_newsroom(show_hijri_date=True)
    assert hijri_date(datetime.date(1900, 1, 1), language="ar") is None
    html = render("{% news_date when %}", when=datetime.date(1900, 1, 1))
    assert "hijri-date" not in html and "1900" in html


def test_english_dates_keep_western_digits(site_tree):
    set_newsroom(digits=NewsroomSettings.DIGITS_ARABIC_INDIC, show_hijri_date=True)
    with translation.override("en"):
        soup = BeautifulSoup(render("{% news_date when %}", when=NOON_UTC), "html.parser")
    assert soup.time.get_text() == "4 March 2025"
    assert soup.select_one(".hijri-date").get_text() == "(4 Ramadan 1446 AH)"


def test_news_date_without_a_request_uses_defaults(arabic):
    html = Template("{% load newsroom_tags %}{% news_date when %}").render(Context({"when": NOON_UTC}))
    assert "4 مارس 2025" in html and "hijri" not in html


def test_news_number_follows_the_setting_on_the_arabic_edition_only(site_tree, arabic):
    assert render("{% news_number 2025 %}") == "2025"
    set_newsroom(digits=NewsroomSettings.DIGITS_ARABIC_INDIC)
    assert render("{% news_number 2025 %}") == "٢٠٢٥"
    with translation.override("en"):
        assert render("{% news_number 2025 %}") == "2025"


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [
        ("ar", ["أ"], "أ"),
        ("ar", ["أ", "ب"], "أ وب"),
        ("ar", ["أ", "ب", "ج"], "أ، ب وج"),
        ("en", ["A", "B", "C"], "A, B and C"),
    ],
)
def test_names_are_joined_as_a_reader_writes_them(language, names, expected):
    with translation.override(language):
        assert join_names(names) == expected


def test_byline_isolates_and_links_names(site_tree, arabic):
    home = site_tree["home"]
    authors = [AuthorFactory(name="ليلى", slug="layla"), AuthorFactory(name="John <Smith>", slug="john")]
    soup = BeautifulSoup(render("{% byline authors %}", authors=authors, edition_home=home), "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["/authors/layla/", "/authors/john/"]
    assert [bdi.get_text() for bdi in soup.find_all("bdi")] == ["ليلى", "John <Smith>"]  # escaped, not markup
    assert soup.select_one(".byline__by").get_text() == "بقلم"


def test_search_url_is_the_named_search_view(arabic):
    assert search_url() == "/search/"
    with translation.override("en"):
        assert search_url() == "/en/search/"


def test_breaking_news_tag_shows_only_the_page_editions_breaking_stories(site_tree, arabic):
    section = site_tree["sections"][0]
    breaking = ArticlePageFactory(parent=section, title="عاجل", is_breaking=True)
    ArticlePageFactory(parent=section, title="عادي")
    html = render("{% breaking_news %}", page=site_tree["home"])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h2.get_text() == "عاجل"
    assert [a.get_text() for a in soup.select(".breaking__list a")] == [breaking.title]
    breaking.is_breaking = False
    breaking.save_revision().publish()
    assert render("{% breaking_news %}", page=site_tree["home"]).strip() == ""
