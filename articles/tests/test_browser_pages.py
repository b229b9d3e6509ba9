"""The public pages in a real browser (Debian's Chromium through Playwright), at a phone's width and a
desktop's, in both editions:

- axe-core finds no accessibility violation on the home, section, article, search, author and tag
  pages and the 404, in the light colour scheme and the dark one (`prefers-color-scheme: dark`);
- the front page's lead story without a picture is a full-width headline, not text beside an empty box;
- an article downloads under 150 KB of fonts, all from the site itself, and the UI typeface is drawn.

Set NEWSROOM_SCREENSHOTS to a folder to keep a full-page PNG of every page checked.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
import wagtail_factories
from django.core.files.storage import default_storage
from django.utils import timezone
from wagtail.models import Locale, Page

from articles.models import ArticleDailyViews, Tag
from articles.tests.factories import ArticlePageFactory, AuthorFactory, site_tree, translate

AXE = Path(__file__).parent / "axe" / "axe.min.js"
AXE_VERSION = "4.14.1"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
COLOUR_SCHEMES = ("light", "dark")
FONT_BUDGET = 150_000

pytestmark = pytest.mark.django_db(transaction=True)


def image(colour: str):
    return wagtail_factories.ImageFactory(file__width=320, file__height=180, file__color=colour)


def published(page):
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def newsroom(*, lead_has_image: bool, english: bool = False) -> dict:
    """A small newsroom: three sections, a dozen stories (the newest one with or without a picture), a
    breaking story, two bylines, a tag, and a few days of view counts for the "most read" column; with
    `english=True` also its English edition, whose lead has a picture when the Arabic one has none."""
    if Page.get_first_root_node() is None:  # a transactional test's flush took the migrations' root away
        arabic, _ = Locale.objects.get_or_create(language_code="ar")
        Page.add_root(instance=Page(title="Root", slug="root", locale=arabic))
    home, sections = site_tree(sections=3)
    for section, title in zip(sections, ["أخبار", "اقتصاد", "رأي"], strict=True):
        section.title = title
        section.save_revision().publish()
    reporter = AuthorFactory(name="سلمى الحلبي", slug="salma", job_title="مراسلة")
    desk = AuthorFactory(name="فريق التحرير", slug="desk", is_desk=True)
    tag = Tag.objects.create(name="حلب", slug="aleppo")
    colours = ["#8a3b2e", "#2e5e8a", "#3b8a5a", "#8a7a2e"]
    stories = []
    for n in range(12):
        stories.append(
            ArticlePageFactory(
                parent=sections[n % 3],
                title=f"عنوان الخبر رقم {n + 1}: مفاوضات جديدة حول المياه والكهرباء في المدينة",
                summary="ملخّص الخبر في جملتين يقرؤهما القارئ قبل أن يفتح الصفحة، كما في الصحف.",
                kicker="تحليل" if n % 4 == 1 else "",
                lead_image=image(colours[n % 4]),
                authors=[reporter] if n % 2 else [desk],
                tags=[tag] if n < 3 else None,
                first_published_at=timezone.now() - datetime.timedelta(hours=n + 2),
            )
        )
    lead = ArticlePageFactory(
        parent=sections[0],
        title="عاجل: اتفاق على وقف إطلاق النار في المدينة بعد أسبوع من المفاوضات الشاقة",
        summary="أعلن الوسطاء مساء اليوم التوصل إلى اتفاق يبدأ سريانه عند منتصف الليل، ويشمل فتح الطرق.",
        kicker="عاجل",
        lead_image=image("#5a2e8a") if lead_has_image else None,
        lead_image_caption="المدينة من الجو",
        lead_image_credit="وكالة الأنباء",
        authors=[reporter, desk],
        tags=[tag],
        is_breaking=True,
        body=[
            ("paragraph", "<p>قالت مصادر محلية إنّ الاجتماع انتهى باتفاق من ثلاث نقاط، وإنّ التنفيذ يبدأ الليلة.</p>"),
            ("heading", {"text": "ماذا يشمل الاتفاق؟", "level": "h2"}),
            ("paragraph", "<p>يشمل الاتفاق فتح الطرق الرئيسية وتبادل المحتجزين خلال 48 ساعة.</p>"),
            ("quote", {"text": "هذه بداية وليست نهاية", "attribution": "أحد الوسطاء"}),
        ],
        first_published_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    lead = published(lead)
    today = timezone.localdate()
    for rank, story in enumerate(stories[:5]):
        ArticleDailyViews.objects.create(article=story, day=today, views=500 - rank * 70)
        ArticleDailyViews.objects.create(article=story, day=today - datetime.timedelta(days=1), views=90)
    pages = {}
    pages["ar"] = {
        "home": home.url,
        "section": sections[0].url,
        "article": lead.url,
        "search": "/search/?q=" + "اتفاق",
        "author": "/authors/salma/",
        "tag": "/tags/aleppo/",
        "404": "/no-such-page/",
    }
    if english:
        home_en = translate(home, "en", title="Home")
        for section, title in zip(sections, ["News", "Economy", "Opinion"], strict=True):
            translate(section, "en", title=title)
        english = [
            translate(story, "en", title=f"Story {n + 1}: new talks on water and power in the city")
            for n, story in enumerate(stories)
        ]
        lead_en = translate(
            lead,
            "en",
            title="Breaking: ceasefire agreed after a week of hard talks",
            lead_image=lead.lead_image or image("#5a2e8a"),
        )
        for rank, story in enumerate(english[:5]):
            ArticleDailyViews.objects.create(article=story, day=today, views=400 - rank * 50)
        pages["en"] = {
            "home": home_en.url,
            "section": sections[0].get_translation(home_en.locale).url,
            "article": lead_en.url,
            "search": "/en/search/?q=ceasefire",
            "author": "/en/authors/salma/",
            "tag": "/en/tags/aleppo/",
            "404": "/en/no-such-page/",
        }
    return {"pages": pages, "lead": lead}


def serve_media(route):
    """Uploads live in the tests' in-memory storage, which the test server does not serve: answer the
    browser's image requests from it."""
    name = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
    if not default_storage.exists(name):
        route.fulfill(status=404)
        return
    with default_storage.open(name) as file:
        route.fulfill(status=200, body=file.read(), content_type="image/webp" if name.endswith(".webp") else None)


def open_page(browser, base_url, path, viewport, colour_scheme="light"):
    # axe is injected by the test, and the site's Content-Security-Policy rightly refuses a script it did not
    # send; the policy itself is checked by newsroom/tests/test_content_security_policy_browser.py.
    page = browser.new_page(viewport=viewport, color_scheme=colour_scheme, bypass_csp=True)
    page.route("**/media/**", serve_media)
    page.goto(base_url + path, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("axe.version") == AXE_VERSION
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes'][:5]]}"
        for v in results["violations"]
    ]


def screenshot(page, name: str) -> None:
    folder = os.environ.get("NEWSROOM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_no_accessibility_violations_on_the_public_pages(chromium, live_server):
    """axe-core (all its rules but the experimental ones) on every kind of public page, phone and desktop,
    in both editions (the Arabic lead without a picture, the English one with), light and dark."""
    data = newsroom(lead_has_image=False, english=True)
    found = {}
    with chromium() as browser:
        for language, pages in data["pages"].items():
            for width, viewport in WIDTHS.items():
                for scheme in COLOUR_SCHEMES:
                    for name, path in pages.items():
                        page = open_page(browser, live_server.url, path, viewport, scheme)
                        screenshot(page, f"{language}-{name}-{width}-{scheme}")
                        violations = axe_violations(page)
                        if violations:
                            found[f"{language} {name} {width} {scheme}"] = violations
                        page.close()
    assert not found, "\n".join(f"{where}: {v}" for where, items in found.items() for v in items)


MEASURE_LEAD = """card => {
    const column = card.parentElement.getBoundingClientRect();
    const body = card.querySelector('.card__body').getBoundingClientRect();
    return {columns: getComputedStyle(card).gridTemplateColumns.split(' ').length,
            card: card.getBoundingClientRect().width, column: column.width, text: body.width,
            media: card.querySelectorAll('.card__media').length};
}"""


def test_a_lead_story_without_a_picture_spans_its_column(chromium, live_server):
    """On a desktop the text lead fills its column on the front page and on its section's page: no empty
    picture column beside bare text."""
    data = newsroom(lead_has_image=False)
    with chromium() as browser:
        home = open_page(browser, live_server.url, data["pages"]["ar"]["home"], WIDTHS["desktop"])
        leads = {"home": home.eval_on_selector(".front-top__lead .card--lead", MEASURE_LEAD)}
        pictures_under_it = home.eval_on_selector_all(".front-top__secondary .card__media", "els => els.length")
        rails = home.eval_on_selector_all(".front-top > .rail", "rails => rails.length")
        section = open_page(browser, live_server.url, data["pages"]["ar"]["section"], WIDTHS["desktop"])
        leads["section"] = section.eval_on_selector(".listing__lead .card--lead", MEASURE_LEAD)
    for where, lead in leads.items():
        assert lead["media"] == 0 and lead["columns"] == 1, where
        assert lead["card"] == pytest.approx(lead["column"], abs=1), where
        assert lead["text"] > 0.85 * lead["card"], where  # the text has the card's width, padding aside
    assert pictures_under_it == 2  # two stories with pictures right under it fill the column
    assert rails == 2  # latest headlines and most read beside it


def test_an_article_counts_its_view_and_loads_under_150_kb_of_self_hosted_fonts(chromium, live_server):
    """One page view: one anonymous view counted; the fonts, all from the site itself, weigh under 150 KB,
    Kufi for headline, navigation and byline, Naskh for the text."""
    data = newsroom(lead_has_image=True)
    with chromium() as browser:
        page = open_page(browser, live_server.url, data["pages"]["ar"]["article"], WIDTHS["desktop"])
        page.wait_for_load_state("networkidle")
        fonts = page.evaluate(
            """() => performance.getEntriesByType('resource')
                .filter(e => e.name.endsWith('.woff2'))
                .map(e => ({url: e.name, bytes: e.encodedBodySize}))"""
        )
        families = page.evaluate(
            """() => ({
                nav: getComputedStyle(document.querySelector('.site-nav__link')).fontFamily,
                title: getComputedStyle(document.querySelector('.article__title')).fontFamily,
                byline: getComputedStyle(document.querySelector('.byline')).fontFamily,
                body: getComputedStyle(document.querySelector('.article__body p')).fontFamily,
                kufi: document.fonts.check('700 20px "Noto Kufi Arabic"', 'اتفاق'),
                naskh: document.fonts.check('400 20px "Noto Naskh Arabic"', 'اتفاق'),
            })"""
        )
        page.close()
    assert ArticleDailyViews.objects.get(article=data["lead"], day=timezone.localdate()).views == 1
    total = sum(font["bytes"] for font in fonts)
    print(f"article fonts: {len(fonts)} files, {total} bytes")
    assert fonts and all(font["url"].startswith(live_server.url + "/static/fonts/") for font in fonts)
    assert total < FONT_BUDGET, fonts
    for role in ("nav", "title", "byline"):
        assert families[role].startswith('"Noto Kufi Arabic"'), (role, families[role])
    assert families["body"].startswith('"Noto Naskh Arabic"')
    assert families["kufi"] and families["naskh"]
