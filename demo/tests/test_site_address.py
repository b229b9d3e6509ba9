"""`make run` serves on HOST:PORT and tells load_demo (`--url`), which points the default Site there: every
absolute URL the site writes (canonical, hreflang, the edition switch, feeds, share links, JSON-LD, image
URLs) then leads back to the server a newcomer is looking at."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import wagtail_factories
from django.contrib.sites.models import Site as DjangoSite
from django.core.management.base import CommandError
from django.test import Client
from wagtail.models import Site

from articles.tests.factories import ArticlePageFactory, translate
from demo.management.commands.load_demo import Tally, ensure_site, parse_site_url

pytestmark = pytest.mark.django_db

SERVER = "http://127.0.0.1:8130"
# Places the pages link to on purpose: share targets, Akismet's privacy notice under the comment form
# and the vocabularies feeds and JSON-LD name.
EXTERNAL_HOSTS = {
    "akismet.com",
    "schema.org",
    "www.w3.org",
    "purl.org",
    "backend.userland.com",
    "x.com",
    "twitter.com",
    "www.facebook.com",
    "t.me",
    "wa.me",
    "api.whatsapp.com",
}
ABSOLUTE_URL = re.compile(r"https?://[^\s\"'<>()\\]+")
RELATIVE_REF = re.compile(r"""(?:href|src|action)=["'](/[^"'#]*)""")
SRCSET = re.compile(r"""srcset=["']([^"']+)""")


def links(body: str, base: str) -> set[str]:
    """Every URL a page or feed names: absolute ones anywhere (attributes, JSON-LD, feed XML, inside
    share links' query strings) and root-relative ones in attributes, made absolute against `base`."""
    text = html.unescape(body)
    found = set(ABSOLUTE_URL.findall(text))
    found |= {urljoin(base, path) for path in RELATIVE_REF.findall(text)}
    for srcset in SRCSET.findall(text):
        found |= {urljoin(base, part.split()[0]) for part in srcset.split(",") if part.strip()}
    for url in list(found):
        found |= {value for _, value in parse_qsl(urlsplit(url).query) if value.startswith(("http://", "https://"))}
    return {url.rstrip(".,;") for url in found}


def misdirected(urls: set[str], server: str) -> set[str]:
    origin = urlsplit(server)
    return {
        url
        for url in urls
        if (parts := urlsplit(url)).hostname not in EXTERNAL_HOSTS
        and (parts.hostname, parts.port or 80) != (origin.hostname, origin.port)
    }


@pytest.fixture
def newsroom(site_tree):
    image = wagtail_factories.ImageFactory(file__width=320, file__height=180)
    section = site_tree["sections"][0]
    article = ArticlePageFactory(parent=section, lead_image=image, lead_image_caption="صورة")
    english = translate(article, "en", title="A story")
    return {"home": site_tree["home"], "article": article, "english": english, "section": section}


def crawl(client: Client, server: str, paths: list[str]) -> tuple[set[str], list[str]]:
    """Fetch `paths`, collect what they link to, then follow every link on this server (media files
    aside: the tests keep images in memory, nothing serves them). Returns the links and the failures."""
    found: set[str] = set()
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        found |= links(response.content.decode(), server + path)
    failures = []
    for url in sorted(found):
        parts = urlsplit(url)
        if (parts.hostname, parts.port) != (urlsplit(server).hostname, urlsplit(server).port):
            continue
        if parts.path.startswith(("/media/", "/static/")):
            continue
        response = client.get(parts.path, dict(parse_qsl(parts.query)), follow=True)
        # 405: a form's POST-only target (the comment form), there but not for GET.
        if response.status_code not in (200, 405):
            failures.append(f"{url} -> {response.status_code}")
    return found, failures


def test_every_link_on_the_home_an_article_and_the_feeds_leads_back_to_the_server(newsroom):
    ensure_site(newsroom["home"], Tally(), address=parse_site_url(SERVER))
    client = Client(HTTP_HOST=urlsplit(SERVER).netloc)
    paths = [
        "/",
        "/en/",
        newsroom["article"].url,
        newsroom["english"].url,
        "/feeds/rss/",
        "/feeds/atom/",
        "/en/feeds/rss/",
        f"/feeds/section/{newsroom['section'].slug}/rss/",
    ]
    found, failures = crawl(client, SERVER, paths)
    assert misdirected(found, SERVER) == set()
    assert failures == []
    # The check has something to check: the canonical link, the edition switch and the feed's items.
    assert f"{SERVER}{newsroom['article'].url}" in found
    assert f"{SERVER}{newsroom['english'].url}" in found


def test_the_check_catches_a_site_on_another_port(newsroom):
    """Wagtail's own default Site (localhost:80) while the server is on 127.0.0.1:8130: what `make run`
    did before the Site followed its address."""
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    client = Client(HTTP_HOST=urlsplit(SERVER).netloc)
    found, _ = crawl(client, SERVER, [newsroom["article"].url])
    assert f"http://localhost{newsroom['article'].url}" in misdirected(found, SERVER)


def test_the_demo_site_follows_every_run_and_django_sites_too(newsroom):
    ensure_site(newsroom["home"], Tally(), address=parse_site_url("http://127.0.0.1:8130"))
    ensure_site(newsroom["home"], Tally(), address=parse_site_url("http://localhost:9000/"))
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == ("localhost", 9000, newsroom["home"].pk)
    assert DjangoSite.objects.get_current().domain == "localhost:9000"
    assert Site.objects.count() == 1


@pytest.mark.parametrize("url", ["ftp://example.org", "http://:80", "http://host:notaport"])
def test_a_bad_url_is_refused_clearly(url):
    with pytest.raises(CommandError, match="--url"):
        parse_site_url(url)
