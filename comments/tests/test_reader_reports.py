"""Readers' reports: the report control without JavaScript, one report per browser and per IP address,
N reports hold the comment, a moderator's decision clears them and the history says so, and the
"Reported" queue in the moderators' listing."""

from __future__ import annotations

import pytest
from django.test import Client

from comments.models import CommentEvent, CommentReport, EventKind, ReaderComment, Reason, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = pytest.mark.django_db


def report(client: Client, comment, *, ip: str, reason: str = "abusive", note: str = ""):
    return client.post(f"/comments/report/{comment.pk}/", {"reason": reason, "note": note}, REMOTE_ADDR=ip)


def test_every_published_comment_has_a_report_link_to_a_plain_form(client, article):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED, user_name="سارة")
    html = client.get(article.url).content.decode()
    assert f'href="/comments/report/{comment.pk}/"' in html

    page = client.get(f"/comments/report/{comment.pk}/")
    assert page.status_code == 200
    form = page.content.decode()
    for reason in ("abusive", "spam", "off_topic", "other"):
        assert f'value="{reason}"' in form
    assert 'name="note"' in form and "<script" not in form.split("<form", 1)[1].split("</form>", 1)[0]


def test_a_held_comment_cannot_be_reported(client, article):
    held = ReaderCommentFactory(article=article, status=Status.HELD)
    assert client.get(f"/comments/report/{held.pk}/").status_code == 404
    assert report(client, held, ip="198.51.100.1").status_code == 404


def test_one_reader_twice_is_one_report_two_readers_are_two(article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "REPORTS_TO_HOLD": 3}
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    reader = Client()

    first = report(reader, comment, ip="198.51.100.1")
    assert first.status_code == 302 and first["Location"].endswith(f"#c{comment.pk}")
    assert "nr_reader" in first.cookies
    report(reader, comment, ip="198.51.100.1")  # the same browser again
    report(reader, comment, ip="198.51.100.99")  # the same browser from another network
    report(Client(), comment, ip="198.51.100.1")  # another browser on the same IP address
    assert CommentReport.objects.filter(comment=comment).count() == 1

    report(Client(), comment, ip="203.0.113.2", reason="spam")
    assert CommentReport.objects.filter(comment=comment).count() == 2
    comment.refresh_from_db()
    assert comment.open_reports == 2 and comment.status == Status.PUBLISHED
    assert list(CommentEvent.objects.filter(comment=comment).values_list("kind", flat=True)) == [
        EventKind.READER_REPORT,
        EventKind.READER_REPORT,
    ]


def test_the_third_report_holds_the_comment_for_the_moderators(article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "REPORTS_TO_HOLD": 3}
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    for n in range(3):
        report(Client(), comment, ip=f"203.0.113.{n + 1}", reason="other", note="معلومة مضلّلة")
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert Reason.REPORTED in comment.hold_reasons
    held = CommentEvent.objects.get(comment=comment, kind=EventKind.STATUS_CHANGED)
    assert (held.from_status, held.to_status, held.actor) == (Status.PUBLISHED, Status.HELD, None)


def test_other_without_a_note_is_asked_for_one(client, article):
    comment = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    response = report(client, comment, ip="203.0.113.1", reason="other")
    assert response.status_code == 400
    assert CommentReport.objects.count() == 0


def test_the_reported_queue_keep_and_reject_clear_the_reports(client, moderator, article, settings):
    settings.COMMENTS = {**settings.COMMENTS, "REPORTS_TO_HOLD": 3}
    kept = ReaderCommentFactory(article=article, status=Status.PUBLISHED, comment="رأي حادّ لكنه مقبول")
    rejected = ReaderCommentFactory(article=article, status=Status.PUBLISHED, comment="شتيمة")
    quiet = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    for n in range(2):
        report(Client(), kept, ip=f"203.0.113.{n + 1}", reason="abusive")
    for n in range(3):
        report(Client(), rejected, ip=f"198.51.100.{n + 1}", reason="abusive" if n else "spam")

    listing = client.get("/admin/comments/", {"queue": "reported"})
    assert [c.pk for c in listing.context["rows"]] == [rejected.pk, kept.pk]
    assert {tab["queue"]: tab["count"] for tab in listing.context["tabs"]}["reported"] == 2
    html = listing.content.decode()
    assert "أبلغ عنه 3 قرّاء" in html and "مسيء أو يحضّ على الكراهية (2)" in html
    assert quiet.pk not in [c.pk for c in listing.context["rows"]]

    client.post(f"/admin/comments/{kept.pk}/moderate/", {"action": "keep"})
    client.post(f"/admin/comments/{rejected.pk}/moderate/", {"action": "trash"})

    kept.refresh_from_db()
    rejected.refresh_from_db()
    assert (kept.status, kept.open_reports) == (Status.PUBLISHED, 0)
    assert (rejected.status, rejected.open_reports) == (Status.TRASH, 0)
    assert not CommentReport.objects.filter(cleared_at__isnull=True).exists()
    for comment in (kept, rejected):
        cleared = CommentEvent.objects.get(comment=comment, kind=EventKind.REPORTS_CLEARED)
        assert cleared.actor == moderator
    assert list(client.get("/admin/comments/", {"queue": "reported"}).context["rows"]) == []
    # A reader who reported it before cannot bring a kept comment back by reporting it again.
    report(Client(), kept, ip="203.0.113.1")
    assert ReaderComment.objects.get(pk=kept.pk).open_reports == 0


def test_keep_is_offered_only_for_reported_comments(client, moderator, article):
    plain = ReaderCommentFactory(article=article, status=Status.PUBLISHED)
    response = client.post(f"/admin/comments/{plain.pk}/moderate/", {"action": "keep"}, follow=True)
    assert not CommentEvent.objects.filter(comment=plain).exists()
    assert "لم يتغيّر أي تعليق" in response.content.decode()
