"""WordPress's own Theme Unit Test export (https namespace, nested categories, every kind of post):
every post, page, category, tag and comment accounted for."""

from datetime import UTC, datetime

import pytest
from django.db.models import Count
from wagtail.models import PageViewRestriction

from articles.models import ArticlePage, SectionPage, Tag
from comments.models import ReaderComment, Status
from wordpress import wxr
from wordpress.importer import make_slug
from wordpress.models import ImportedObject

from .conftest import THEME_UNIT_TEST
from .test_import_arabic import _table

pytestmark = pytest.mark.django_db


def _items():
    with THEME_UNIT_TEST.open("rb") as handle:
        records = list(wxr.read(handle))
    return [r.value for r in records if r.kind == "item"], [r.value for r in records if r.kind == "term"]


def test_every_post_comment_and_tag_is_accounted_for(wp_site, run_import):
    output = run_import(THEME_UNIT_TEST)
    table = _table(output)
    # created, updated, unchanged, skipped, failed
    assert table["article"] == ["58", "0", "0", "0", "0"]
    assert table["page"] == ["0", "0", "0", "21", "0"]
    assert table["image"] == ["0", "0", "0", "37", "0"]  # attachments on a host we cannot reach, no --media-dir
    assert table["nav_menu_item"] == ["0", "0", "0", "70", "0"]
    assert table["comment"] == ["24", "0", "0", "5", "0"]  # the 5 skipped are on pages
    assert table["pingback"] == ["0", "0", "0", "4", "0"]  # 2 pingbacks, 2 trackbacks
    assert table["redirect"][0] == str(2 * 58)

    live = ArticlePage.objects.filter(live=True)
    assert live.count() == 56
    assert ArticlePage.objects.filter(live=False, go_live_at__isnull=True).count() == 1  # the draft
    (scheduled,) = ArticlePage.objects.filter(live=False, go_live_at__isnull=False)
    assert scheduled.go_live_at == datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC)
    assert list(ArticlePage.objects.filter(is_featured=True).values_list("title", flat=True)) == ["Template: Sticky"]
    protected = PageViewRestriction.objects.get(restriction_type=PageViewRestriction.PASSWORD)
    assert protected.password == "enter"

    statuses = dict(ReaderComment.objects.values_list("status").order_by("status").annotate(n=Count("pk")))
    assert statuses == {Status.PUBLISHED: 23, Status.HELD: 1}
    assert ReaderComment.objects.filter(level__gt=0).count() == 9

    items, terms = _items()
    # each post sits in the section of its first category's top-level ancestor, its tags all there
    parents = {t.slug: t.parent_slug for t in terms if t.taxonomy == "category"}
    names = {t.slug: t.name for t in terms if t.taxonomy == "category"}

    def top(slug):
        while parents.get(slug):
            slug = parents[slug]
        return slug

    by_wp_id = dict(ImportedObject.objects.filter(kind="article").values_list("wp_id", "object_id"))
    posts = [i for i in items if i.post_type == "post"]
    assert len(posts) == len(by_wp_id) == 58
    expected_sections = set()
    for post in posts:
        page = ArticlePage.objects.get(pk=by_wp_id[post.post_id])
        categories = [n for d, n, _ in post.categories if d == "category"]
        wanted = [c for c in categories if c != "uncategorized"] or categories or ["uncategorized"]
        expected_sections.add(names[top(wanted[0])])
        assert page.get_parent().title == names[top(wanted[0])], post.title
        # (the export names one tag `content` on posts and `content-2` in its list: the name finds it)
        have = set(page.tags.values_list("slug", flat=True)) | set(page.tags.values_list("name", flat=True))
        for _d, slug, name in (c for c in post.categories if c[0] == "post_tag"):
            assert make_slug(slug, "") in have or name in have, (post.title, slug)
    channel_tags = {make_slug(t.slug, "") for t in terms if t.taxonomy == "post_tag"}
    assert len(channel_tags) == 110 and channel_tags <= set(Tag.objects.values_list("slug", flat=True))
    # one section per top-level category in use, beside the «أخبار» that was there
    assert table["section"][0] == str(len(expected_sections))
    assert set(SectionPage.objects.values_list("title", flat=True)) == expected_sections | {"أخبار"}


def test_pages_can_come_along_as_articles(wp_site, run_import):
    output = run_import(THEME_UNIT_TEST, "--pages", "articles", "--pages-section", "صفحات")
    table = _table(output)
    assert table["page"] == ["21", "0", "0", "0", "0"]
    assert table["comment"] == ["29", "0", "0", "0", "0"]
    assert SectionPage.objects.get(slug="صفحات").get_children().count() == 21
