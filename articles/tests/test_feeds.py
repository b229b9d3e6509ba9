"""RSS and Atom feeds: feed readers parse them without complaint and see only what readers may see."""

from __future__ import annotations

import datetime

import feedparser
import pytest
import wagtail_factories
from django.utils import timezone
from wagtail.models import PageViewRestriction

from articles.models import Tag
from articles.tests.factories import ArticlePageFactory, AuthorFactory, translate


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


@pytest.fixture
def newsroom(site_tree):
    news, reports = site_tree["sections"]
    now = timezone.now()
    image = wagtail_factories.ImageFactory(width=1600, height=1000)
    reporter = AuthorFactory(name="سلمى الحلبي", slug="salma")
    desk = AuthorFactory(name="فريق التحرير", slug="desk", is_desk=True)
    tag = Tag.objects.create(name="انتخابات", slug="elections")
    lead = ArticlePageFactory(
        parent=news,
        title="نتائج الانتخابات البلدية",
        summary="فرز الأصوات انتهى & النتائج <مؤقتة>.",
        lead_image=image,
        authors=[reporter, desk],
        tags=[tag],
        first_published_at=now - datetime.timedelta(hours=2),
    )
    lead.refresh_from_db()
    report = ArticlePageFactory(
        parent=reports, title="تقرير عن المياه", authors=[desk], first_published_at=now - datetime.timedelta(hours=1)
    )
    draft = ArticlePageFactory(parent=news, title="مسودة لم تنشر")
    draft.unpublish()
    expired = ArticlePageFactory(parent=news, title="خبر منته")
    type(expired).objects.filter(pk=expired.pk).update(expired=True)
    private_section = reports.add_sibling(instance=type(reports)(title="قسم خاص", slug="private"))
    private = ArticlePageFactory(parent=private_section, title="خبر في قسم محمي")
    PageViewRestriction.objects.create(page=private_section, restriction_type="password", password="x")
    return {
        **site_tree,
        "lead": lead,
        "report": report,
        "hidden": [draft, expired, private],
        "reporter": reporter,
        "desk": desk,
        "tag": tag,
    }


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_edition_feed_lists_published_articles_with_their_details(newsroom, client, kind):
    response, feed = parse(client, f"/feeds/{kind}/")

    titles = [entry.title for entry in feed.entries]
    assert titles == [newsroom["report"].title, newsroom["lead"].title]
    assert feed.feed.language == "ar"
    assert feed.feed.link.startswith("http://localhost/")

    entry = feed.entries[1]
    lead = newsroom["lead"]
    assert entry.link == "http://localhost" + lead.url
    assert entry.summary == lead.summary  # escaped in the XML, intact once parsed
    assert entry.published_parsed[:5] == lead.first_published_at.utctimetuple()[:5]
    assert "سلمى الحلبي" in entry.author
    assert "فريق التحرير" in entry.author
    assert "انتخابات" in [tag.term for tag in entry.tags]
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert len(enclosures) == 1
    assert enclosures[0].href.startswith("http://localhost/")
    assert enclosures[0].type == "image/jpeg"
    assert int(enclosures[0].length) > 0


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_never_carry_drafts_expired_or_private_articles(newsroom, client, kind):
    urls = [
        f"/feeds/{kind}/",
        f"/feeds/section/{newsroom['sections'][0].slug}/{kind}/",
        f"/feeds/author/desk/{kind}/",
    ]
    hidden = {page.title for page in newsroom["hidden"]}
    for url in urls:
        _, feed = parse(client, url)
        assert hidden.isdisjoint(entry.title for entry in feed.entries), url


def test_updated_date_follows_the_editors_update(newsroom, client):
    lead = newsroom["lead"]
    updated = timezone.now() - datetime.timedelta(minutes=5)
    type(lead).objects.filter(pk=lead.pk).update(updated_at=updated)
    _, feed = parse(client, "/feeds/atom/")
    entry = next(e for e in feed.entries if e.title == lead.title)
    assert entry.updated_parsed[:5] == updated.utctimetuple()[:5]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_tag_and_author_feeds_hold_only_their_articles(newsroom, client, kind):
    news, reports = newsroom["sections"]
    cases = {
        f"/feeds/section/{news.slug}/{kind}/": [newsroom["lead"].title],
        f"/feeds/section/{reports.slug}/{kind}/": [newsroom["report"].title],
        f"/feeds/tag/elections/{kind}/": [newsroom["lead"].title],
        f"/feeds/author/salma/{kind}/": [newsroom["lead"].title],
        f"/feeds/author/desk/{kind}/": [newsroom["report"].title, newsroom["lead"].title],
    }
    for url, expected in cases.items():
        _, feed = parse(client, url)
        assert [entry.title for entry in feed.entries] == expected, url
    _, section_feed = parse(client, f"/feeds/section/{news.slug}/{kind}/")
    assert news.title in section_feed.feed.title


def test_unknown_subjects_answer_404(newsroom, client):
    assert client.get("/feeds/section/no-such-section/rss/").status_code == 404
    assert client.get("/feeds/tag/no-such-tag/atom/").status_code == 404
    assert client.get("/feeds/author/nobody/rss/").status_code == 404
    # A private section has no public feed either.
    assert client.get("/feeds/section/private/rss/").status_code == 404


def test_english_edition_feed_is_in_english(newsroom, client):
    english = translate(newsroom["lead"], "en", title="Municipal election results", slug="election-results")
    _, feed = parse(client, "/en/feeds/rss/")
    assert feed.feed.language == "en"
    assert [entry.title for entry in feed.entries] == [english.title]
    assert english.url.startswith("/en/")
    assert feed.entries[0].link == "http://localhost" + english.url
    # Tags are shared data: their English name when there is one, the Arabic otherwise.
    assert [tag.term for tag in feed.entries[0].tags if tag.term == "انتخابات"] == ["انتخابات"]
    Tag.objects.filter(pk=newsroom["tag"].pk).update(name_en="Elections")
    _, feed = parse(client, "/en/feeds/rss/")
    assert "Elections" in [tag.term for tag in feed.entries[0].tags]


def test_feed_links_are_announced_in_the_page_head(newsroom, client):
    response = client.get(newsroom["sections"][0].url)
    html = response.content.decode()
    assert 'type="application/rss+xml"' in html
    assert f'href="http://localhost/feeds/section/{newsroom["sections"][0].slug}/atom/"' in html
