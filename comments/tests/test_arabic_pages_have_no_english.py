"""No English left in what Arabic readers and moderators read: the article's comments area (thread,
form, errors, closed notice), the no-JavaScript reply page and the moderators' queue, rendered in Arabic.

Visible text is taken from the HTML (tags, scripts, styles and the reader's own words removed) and every
Latin word must be one we mean to show: names of services and formats, or data typed by people."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User

from comments import services
from comments.models import Status
from comments.templatetags.comment_admin import history_note
from comments.tests.factories import ReaderCommentFactory

# Latin words that are names, not language: the service, the example address in the e-mail error, and
# data the test itself typed (a website, an e-mail, an IP); file formats (the export's CSV and XLSX).
ALLOWED = {"akismet", "json", "csv", "xlsx", "ip", "https", "http", "example", "com", "name", "org", "sara", "ok"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


class _VisibleText(HTMLParser):
    """Text nodes outside script/style/template/svg, plus the attributes people read (labels for screen
    readers, placeholders, tooltips, image descriptions)."""

    HIDDEN = {"script", "style", "template", "svg"}
    READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        self.parts.extend(value or "" for name, value in attrs if name in self.READ_ATTRIBUTES)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def english_leftovers(html: str, *, ignore: tuple[str, ...] = ()) -> list[str]:
    text = visible_text(html)
    for phrase in ignore:
        text = text.replace(phrase, " ")
    return sorted({word for word in LATIN_WORD.findall(text) if word.lower() not in ALLOWED})


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0].split(">", 1)[1]


def comments_section(html: str) -> str:
    start = html.index('<section id="comments"')
    return html[start : html.index("</section>", start)]


READER_DATA = ("https://sara.example.org/", "sara@example.com", "203.0.113.7", "Sara")


@pytest.mark.django_db
def test_the_comments_area_has_no_english(client, article):
    parent = ReaderCommentFactory(article=article, user_name="Sara", user_url="https://sara.example.org/")
    ReaderCommentFactory(article=article, parent=parent, is_staff_reply=True)
    section = comments_section(client.get(article.url).content.decode())
    assert english_leftovers(section, ignore=READER_DATA) == []


@pytest.mark.django_db
def test_the_form_with_errors_has_no_english(post_comment, article, fake_akismet):
    response = post_comment(article, name="", email="not-an-address", url="ftp://x", comment="")
    assert response.status_code == 200
    main = main_of(response.content.decode())
    assert english_leftovers(main, ignore=READER_DATA + ("not-an-address", "ftp://x")) == []


@pytest.mark.django_db
def test_the_reply_page_and_the_closed_notice_have_no_english(client, article):
    parent = ReaderCommentFactory(article=article, user_name="Sara")
    page = client.get(f"/comments/reply/{parent.pk}/").content.decode()
    main = main_of(page)
    assert english_leftovers(main, ignore=READER_DATA) == []
    article.comments_open = False
    article.save_revision().publish()
    section = comments_section(client.get(article.url).content.decode())
    assert english_leftovers(section, ignore=READER_DATA) == []


@pytest.mark.django_db
@pytest.mark.parametrize("queue", ["pending", "published", "spam", "discarded", "trash"])
def test_the_moderation_queue_has_no_english(client, article, queue):
    user = User.objects.create_user("muna", "muna@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    status = {"pending": Status.UNCHECKED, "published": Status.PUBLISHED, "spam": Status.SPAM}.get(queue, queue)
    comment = ReaderCommentFactory(
        article=article,
        status=status,
        user_name="Sara",
        user_email="sara@example.com",
        user_url="https://sara.example.org/",
        ip_address="203.0.113.7",
        akismet_verdict="error" if queue == "pending" else "spam",
        akismet_error="Akismet timed out" if queue == "pending" else "",
    )

    services.edit_text(comment=comment, actor=user, text="نص معدّل")
    html = client.get("/admin/comments/", {"queue": queue}).content.decode()
    main = main_of(html)
    # The Akismet error is shown in Arabic; Akismet's original words stay in the tooltip, to match the logs.
    assert "لم يُجب Akismet في الوقت المحدّد" in main if queue == "pending" else True
    # Wagtail's own slim header (every listing built on its generic views) labels its button bar
    # aria-label="Actions" without translating it.
    ignore = READER_DATA + ("muna", "Akismet timed out", "Actions")
    assert english_leftovers(main, ignore=ignore) == []


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("HTTP 503 from Akismet", "أجاب Akismet برمز HTTP 503"),
        ("Akismet unreachable (ConnectError)", "تعذّر الوصول إلى Akismet (ConnectError)"),
        ("12 → 7 characters", "الطول 12 ← 7 أحرف"),
        ("restored from trash", "استُعيد من المهملات"),
        ("something new", "something new"),
    ],
)
def test_stored_notes_and_errors_are_shown_in_arabic(stored, shown):
    assert history_note(stored) == shown
