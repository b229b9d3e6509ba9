"""The Arabic export in fixtures/arabic.xml, one rule of the import per test."""

from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.db.models import Count
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Revision

from articles.models import ArticlePage, Author, SectionPage, Tag
from comments import selectors as comment_selectors
from comments.models import CommentEvent, ReaderComment, Status
from wordpress import importer
from wordpress.models import ImportedObject

from .conftest import ARABIC_EXPORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(wp_site, media_dir, run_import):
    # WordPress already judged the comments: the import must never ask Akismet.
    with mock.patch("comments.akismet.check", side_effect=AssertionError("Akismet called")):
        output = run_import(ARABIC_EXPORT, "--media-dir", str(media_dir), "--desk", "فريق التحرير")
    return {
        **wp_site,
        "output": output,
        "pages": {
            o.wp_id: ArticlePage.objects.get(pk=o.object_id) for o in ImportedObject.objects.filter(kind="article")
        },
    }


def test_statuses_become_live_draft_scheduled_private_and_protected(imported):
    pages = imported["pages"]
    assert sorted(pages) == ["101", "102", "103", "104", "105", "106", "107"]  # not the page, the bad item, the trash
    assert pages["101"].live and pages["107"].live
    assert not pages["102"].live and not pages["103"].live  # draft, pending
    scheduled = pages["104"]
    assert not scheduled.live and scheduled.go_live_at == datetime(2099, 1, 1, 6, tzinfo=UTC)
    assert Revision.page_revisions.filter(
        object_id=str(scheduled.pk), approved_go_live_at=scheduled.go_live_at
    ).exists()
    private = PageViewRestriction.objects.get(page=pages["105"])
    assert private.restriction_type in (PageViewRestriction.GROUPS, PageViewRestriction.LOGIN)
    protected = PageViewRestriction.objects.get(page=pages["106"])
    assert (protected.restriction_type, protected.password) == (PageViewRestriction.PASSWORD, "سر123")


def test_dates_come_from_post_date_gmt(imported):
    story = imported["pages"]["101"]
    # pubDate says 09:00 and post_date 12:00 (local time); post_date_gmt, 10:00 UTC, is the truth.
    assert story.first_published_at == datetime(2020, 1, 2, 10, tzinfo=UTC)
    assert imported["pages"]["102"].first_published_at is None


def test_slugs_sections_tags_authors_summary_and_featured(imported):
    story, draft = imported["pages"]["101"], imported["pages"]["102"]
    assert story.slug == "خبر-حلب"  # percent-encoded in WordPress, decoded here
    assert draft.slug == "مسودة-بلا-رابط"  # a draft without a slug gets one from its title
    # «أخبار» existed (matched by name, not made again); «تقارير» was made; the child «سوريا» is a tag.
    assert story.get_parent().specific == imported["news"]
    assert SectionPage.objects.filter(title="أخبار").count() == 1
    assert imported["pages"]["107"].get_parent().title == "تقارير"
    assert sorted(story.tags.values_list("name", flat=True)) == ["حلب", "سوريا"]
    assert story.title == "اﻷسد يلتقي وفداً في حلب"  # the ligature as typed
    assert story.summary == "ملخص الخبر كما كتبه المحرر."
    assert imported["pages"]["107"].summary.startswith("فقرة مائلة")  # no excerpt: the first paragraph
    assert story.is_featured and not imported["pages"]["107"].is_featured
    assert [a.name for a in story.authors] == ["سامر الأحمد"]
    desk = Author.objects.get(name="فريق التحرير")
    assert desk.is_desk and not Author.objects.get(name="سامر الأحمد").is_desk
    assert [a.pk for a in imported["pages"]["107"].authors] == [desk.pk]


def test_images_alt_caption_lead_and_body(imported):
    Image = get_image_model()
    images = list(Image.objects.all())
    assert len(images) == 1, imported["output"]  # the missing file is reported, not made
    (image,) = images
    assert (image.title, image.description) == ("صورة السوق", "باعة في السوق")
    story = imported["pages"]["101"]
    assert story.lead_image_id == image.pk and story.lead_image_caption == "سوق المدينة القديمة صباحاً"
    images = [b.value for b in story.body if b.block_type == "image"]
    assert [(v["image"].pk, v["caption"]) for v in images] == [(image.pk, "الباعة في السوق القديم")]
    blocks = [(b.block_type, b.value) for b in imported["pages"]["107"].body]
    assert [t for t, _ in blocks] == ["paragraph", "heading", "image", "embed", "quote", "paragraph"]
    assert blocks[2][1]["image"].pk == image.pk  # the -1024x683 size found its attachment
    assert blocks[3][1].url == "https://x.com/example/status/1234567890"
    report = (imported["output"].split("Skipped and failed items, and notes: ")[1]).strip()
    text = Path(report).read_text(encoding="utf-8")
    assert "2020/01/missing.jpg" in text and "unknown shortcode [contact-form-7]" in text


def test_classic_body_blocks(imported):
    body = [(b.block_type, b.value) for b in imported["pages"]["101"].body]
    assert [t for t, _ in body] == ["paragraph", "paragraph", "image", "embed", "paragraph", "heading", "quote"]
    assert body[0][1].source == (
        '<p>الفقرة الأولى فيها <b>خط عريض</b> و<a href="https://example.org/">رابط</a>.'
        "<br/>وسطر ثانٍ في الفقرة نفسها.</p>"
    )
    assert body[1][1].source == "<p>الفقرة الثانية عن «اﻷسد» كما كُتبت.</p>"
    assert body[3][1].url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_comments_keep_state_thread_dates_and_history(imported):
    story = imported["pages"]["101"]
    comments = {c.user_name + c.comment[:6]: c for c in ReaderComment.objects.filter(article=story)}
    assert ReaderComment.objects.count() == 7  # 9 in the file, the pingback and the trackback skipped
    by_status = dict(ReaderComment.objects.values_list("status").order_by("status").annotate(n=Count("pk")))
    assert by_status == {Status.PUBLISHED: 4, Status.HELD: 1, Status.SPAM: 1, Status.TRASH: 1}
    first = ReaderComment.objects.get(user_email="Layla@Example.com")
    assert first.submit_date == datetime(2020, 1, 2, 11, tzinfo=UTC)
    assert (first.user_url, first.ip_address) == ("https://layla.example", "203.0.113.7")
    assert first.akismet_payload["user_agent"] == "Mozilla/5.0 (X11; Linux)"
    assert first.comment == "تعليق أول عن اﻷسد هنا (https://example.net/x)"
    assert (
        ReaderComment.objects.get(user_name="محذوف").ip_address is None
        and ReaderComment.objects.get(user_name="محذوف").is_removed
    )
    # the thread: 1001 → 1002 → 1003 → 1004 (deeper than the two reply levels allowed: hangs from 1002)
    c1, c2, c3, c4 = (
        ReaderComment.objects.get(comment=t)
        for t in (first.comment, "رد على ليلى", "رد على الرد", "رد في العمق الثالث")
    )
    assert (c1.thread_id, c1.parent_id, c1.level, c1.order, c1.nested_count) == (c1.pk, c1.pk, 0, 1, 3)
    assert (c2.thread_id, c2.parent_id, c2.level, c2.order) == (c1.pk, c1.pk, 1, 2)
    assert (c3.thread_id, c3.parent_id, c3.level, c3.order) == (c1.pk, c2.pk, 2, 3)
    assert (c4.thread_id, c4.parent_id, c4.level, c4.order) == (c1.pk, c2.pk, 2, 4)
    thread = comment_selectors.published_thread(article=story)
    assert thread.count == 4 and len(thread.nodes) == 1
    events = CommentEvent.objects.filter(note="imported from WordPress")
    assert events.count() == 7 and set(events.values_list("comment_id", flat=True)) == set(
        ReaderComment.objects.values_list("pk", flat=True)
    )
    assert comments  # every comment is on its article


def test_published_comments_count_toward_the_commenter_history(imported):
    assert comment_selectors.has_approved_comment(email="layla@example.com")
    assert not comment_selectors.has_approved_comment(email="new@example.com")  # held
    assert not comment_selectors.has_approved_comment(email="spam@example.com")


def test_old_links_redirect_permanently(imported, client):
    story = imported["pages"]["101"]
    url = story.url
    for old in ("/?p=101", "/2020/01/%d8%ae%d8%a8%d8%b1-%d8%ad%d9%84%d8%a8/", "/2020/01/old-aleppo-story/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, url), old
    assert client.get("/?p=107")["Location"] == imported["pages"]["107"].url
    assert client.get("/?p=999").status_code == 200  # unknown ID: the home page, as before
    assert Redirect.objects.filter(redirect_page=story).count() == 3


def _table(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines()[2:]:
        if line.split()[1:2] == ["items"]:
            break
        rows[line.split()[0]] = line.split()[1:]
    return rows


def test_summary_table_counts_everything(imported):
    lines = _table(imported["output"])
    assert lines["article"] == ["7", "0", "0", "1", "0"]  # the trashed post skipped
    assert lines["page"] == ["0", "0", "0", "1", "0"]
    assert lines["comment"] == ["7", "0", "0", "0", "0"]
    assert lines["pingback"] == ["0", "0", "0", "2", "0"]
    assert lines["image"] == ["1", "0", "0", "1", "0"]
    assert lines["item"] == ["0", "0", "0", "0", "1"]  # the item without an ID
    assert lines["section"] == ["1", "0", "1", "0", "0"]


def test_a_second_run_updates_and_duplicates_nothing(imported, media_dir, run_import):
    counts = lambda: (  # noqa: E731
        ArticlePage.objects.count(), ReaderComment.objects.count(), CommentEvent.objects.count(),
        Redirect.objects.count(), get_image_model().objects.count(), Author.objects.count(), Tag.objects.count(),
        SectionPage.objects.count(), ImportedObject.objects.count(),
    )  # fmt: skip
    before = counts()
    output = run_import(ARABIC_EXPORT, "--media-dir", str(media_dir), "--desk", "فريق التحرير")
    assert counts() == before
    assert _table(output)["article"] == ["0", "0", "7", "1", "0"]
    assert _table(output)["comment"] == ["0", "0", "7", "0", "0"]


def test_a_changed_export_updates_what_changed(imported, media_dir, run_import, tmp_path):
    changed = tmp_path / "changed.xml"
    changed.write_text(
        ARABIC_EXPORT.read_text(encoding="utf-8")
        .replace("<wp:comment_approved><![CDATA[0]]>", "<wp:comment_approved><![CDATA[1]]>")
        .replace("ملخص الخبر كما كتبه المحرر.", "ملخص معدّل."),
        encoding="utf-8",
    )
    run_import(changed, "--media-dir", str(media_dir))
    held = ReaderComment.objects.get(user_email="new@example.com")
    assert held.status == Status.PUBLISHED and held.is_public
    assert list(held.events.values_list("from_status", "to_status")) == [("", "held"), ("held", "published")]
    assert ArticlePage.objects.get(pk=imported["pages"]["101"].pk).summary == "ملخص معدّل."
    assert ArticlePage.objects.count() == 7


def test_dry_run_writes_nothing(wp_site, media_dir, run_import):
    def everything():
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    before = everything()
    output = run_import(ARABIC_EXPORT, "--media-dir", str(media_dir), "--dry-run")
    assert everything() == before
    assert output.startswith("Dry run: nothing was written")
    assert _table(output)["article"] == ["7", "0", "0", "1", "0"]


def test_sections_map_decides_the_section(wp_site, media_dir, run_import, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text('{"سوريا": "سوريا", "reports": "akhbar"}', encoding="utf-8")
    run_import(ARABIC_EXPORT, "--sections", str(mapping))
    story = ArticlePage.objects.get(title="اﻷسد يلتقي وفداً في حلب")
    assert story.get_parent().title == "أخبار"  # the first category, news, decides
    assert ArticlePage.objects.get(slug="blocks-story").get_parent().pk == wp_site["news"].pk
    assert not SectionPage.objects.filter(title="تقارير").exists()


def test_an_interrupted_run_goes_on_from_its_last_batch(wp_site, media_dir, run_import, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    original = importer.Importer._import_batch
    calls = []

    def interrupted(self, items):
        calls.append([i.post_id for i in items])
        if len(calls) == 3:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or a killed process, in the third batch
        return original(self, items)

    monkeypatch.setattr(importer.Importer, "_import_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_import(ARABIC_EXPORT, "--media-dir", str(media_dir))
    assert ArticlePage.objects.count() == 4  # two batches committed
    monkeypatch.setattr(importer.Importer, "_import_batch", original)
    output = run_import(ARABIC_EXPORT, "--media-dir", str(media_dir))
    assert _table(output)["article"] == ["3", "0", "4", "1", "0"]
    assert ArticlePage.objects.count() == 7 and ReaderComment.objects.count() == 7


def test_private_and_password_protected_posts_stay_closed_to_readers(imported, client):
    private, protected, public = (imported["pages"][i] for i in ("105", "106", "101"))
    restriction = PageViewRestriction.objects.get(page=private)
    assert restriction.restriction_type == PageViewRestriction.GROUPS
    assert list(restriction.groups.values_list("name", flat=True)) == ["Editors"]
    assert client.get(private.url).status_code == 302  # to the login page
    response = client.get(protected.url)
    assert response.status_code == 200 and "محمي." not in response.content.decode()  # the password form
    assert "الفقرة الثانية عن «اﻷسد» كما كُتبت." in client.get(public.url).content.decode()
