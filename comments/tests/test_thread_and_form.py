"""What a reader sees and sends: the thread, the form, input hygiene, limits, closed comments."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from comments.models import ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory


def comments_section(html: str) -> str:
    start = html.index('<section id="comments"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_thread_oldest_first_threaded_with_count_and_no_private_data(client, article):
    first = ReaderCommentFactory(
        article=article,
        user_name="Sara",
        user_email="private@example.com",
        user_url="https://sara.example.org/",
        comment="الأول",
        submit_date=timezone.now() - datetime.timedelta(hours=2),
        ip_address="203.0.113.99",
    )
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    second = ReaderCommentFactory(article=article, comment="الثاني", submit_date=an_hour_ago)
    reply = ReaderCommentFactory(article=article, parent=first, comment="ردّ على الأول")
    section = comments_section(client.get(article.url).content.decode())
    assert "3 تعليقات" in section  # Arabic plural form for 3-10
    assert section.index("الأول") < section.index("ردّ على الأول") < section.index("الثاني")
    # The reply is nested inside the first comment's item.
    first_item = section[section.index(f'id="c{first.pk}"') : section.index(f'id="c{second.pk}"')]
    assert f'id="c{reply.pk}"' in first_item and "comment-list--children" in first_item
    website = '<a href="https://sara.example.org/" rel="nofollow ugc" class="comment__author-link"><bdi>Sara</bdi></a>'
    assert website in section
    assert "private@example.com" not in section and "203.0.113.99" not in section
    assert f'href="/comments/reply/{first.pk}/"' in section


@pytest.mark.django_db
def test_no_reply_link_at_the_maximum_depth_and_deeper_replies_are_refused(client, article, post_comment, fake_akismet):
    top = ReaderCommentFactory(article=article)
    middle = ReaderCommentFactory(article=article, parent=top)
    deepest = ReaderCommentFactory(article=article, parent=middle)
    assert deepest.level == 2
    section = comments_section(client.get(article.url).content.decode())
    assert f"/comments/reply/{middle.pk}/" in section
    assert f"/comments/reply/{deepest.pk}/" not in section
    response = post_comment(article, reply_to=deepest.pk, comment="أعمق من المسموح")
    assert response.status_code == 200  # the form again, with the reason
    assert "لا يمكن الردّ على هذا التعليق" in response.content.decode()
    assert not ReaderComment.objects.filter(comment="أعمق من المسموح").exists()
    assert client.get(f"/comments/reply/{deepest.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_reply_is_sent_as_reply_and_threaded(post_comment, article, fake_akismet):
    parent = ReaderCommentFactory(article=article, user_email="sara@example.com")
    response = post_comment(article, reply_to=parent.pk, comment="أوافقك")
    reply = ReaderComment.objects.get(comment="أوافقك")
    assert reply.parent_id == parent.pk and reply.level == 1 and reply.thread_id == parent.thread_id
    assert response["Location"].endswith(f"#c{reply.pk}")
    assert fake_akismet.requests_to("comment-check")[-1].value("comment_type") == "reply"


@pytest.mark.django_db
def test_no_js_reply_page_shows_the_comment_and_a_form_answering_it(client, article):
    parent = ReaderCommentFactory(article=article, user_name="Ali")
    html = client.get(f"/comments/reply/{parent.pk}/").content.decode()
    assert "<bdi>Ali</bdi>" in html
    assert re.search(rf'name="reply_to" value="{parent.pk}"', html)


@pytest.mark.django_db
def test_the_form_as_on_the_seed_page(client, article):
    section = comments_section(client.get(article.url).content.decode())
    assert "اترك تعليقاً" in section
    assert "لن يُنشر بريدك الإلكتروني." in section
    for name in ("comment", "name", "email", "url"):
        assert f'name="{name}"' in section
    assert 'href="https://akismet.com/privacy/"' in section
    assert 'id="comment-remember"' in section
    assert 'method="post"' in section and 'action="/comments/post/"' in section
    assert "csrfmiddlewaretoken" in section


@pytest.mark.django_db
def test_injection_is_rendered_inert(post_comment, article, fake_akismet, client):
    ReaderCommentFactory(article=article, user_email="sara@example.com")
    post_comment(
        article,
        name="<img src=x onerror=alert(1)>",
        comment='<script>alert("x")</script>\n<a href="javascript:alert(1)">click</a> javascript:alert(2) https://ok.example/',
    )
    comment = ReaderComment.objects.latest("pk")
    assert comment.status == Status.PUBLISHED
    section = comments_section(client.get(article.url).content.decode())
    assert "<script>alert" not in section
    assert "&lt;script&gt;" in section
    assert 'href="javascript:' not in section
    assert "<img src=x" not in section and "&lt;img src=x onerror=alert(1)&gt;" in section
    assert '<a href="https://ok.example/" rel="nofollow ugc">https://ok.example/</a>' in section
    assert "<br>" in section  # line breaks kept


@pytest.mark.django_db
def test_a_javascript_website_is_refused(post_comment, article, fake_akismet):
    response = post_comment(article, url="javascript:alert(1)")
    assert response.status_code == 200
    assert not ReaderComment.objects.exists()


@pytest.mark.django_db
def test_bidi_controls_are_stripped(post_comment, article, fake_akismet):
    post_comment(article, name="\u202eسارة\u202c", comment="نص \u2066مخفي\u2069 \u200fهنا")
    comment = ReaderComment.objects.get()
    assert comment.user_name == "سارة"
    assert comment.comment == "نص مخفي هنا"
    assert fake_akismet.requests_to("comment-check")[0].value("comment_author") == "سارة"


@pytest.mark.django_db
def test_length_limits_have_clear_arabic_errors_and_keep_the_text(post_comment, article, fake_akismet, settings):
    long_text = "ب" * (settings.COMMENT_MAX_LENGTH + 1)
    response = post_comment(article, comment=long_text, name="ا" * 51)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"تعليقك طويل: الحدّ الأقصى {settings.COMMENT_MAX_LENGTH} حرف" in html
    assert "اسمك طويل" in html
    assert long_text in html  # nothing the reader wrote is lost
    assert not ReaderComment.objects.exists()


@pytest.mark.django_db
def test_missing_fields_have_arabic_errors(post_comment, article, fake_akismet):
    html = post_comment(article, comment="   ", name="", email="").content.decode()
    assert "اكتب تعليقك من فضلك." in html
    assert "اكتب اسمك من فضلك." in html
    assert "اكتب بريدك الإلكتروني من فضلك" in html


@pytest.mark.django_db
def test_rate_limit_per_ip_with_a_friendly_error(post_comment, article, fake_akismet, settings):
    settings.COMMENTS = {**settings.COMMENTS, "RATE_LIMIT_COUNT": 2}
    for i in range(2):
        assert post_comment(article, comment=f"تعليق {i}").status_code == 302
    response = post_comment(article, comment="الثالث")
    assert response.status_code == 429
    html = response.content.decode()
    assert "انتظر بضع دقائق" in html and "الثالث" in html
    assert ReaderComment.objects.count() == 2
    # Another address is not affected.
    assert post_comment(article, comment="من عنوان آخر", ip="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_forwarded_ip_is_believed_only_from_trusted_proxies(post_comment, article, fake_akismet, settings, client):
    post_comment(article, comment="بلا وكيل", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ReaderComment.objects.get(comment="بلا وكيل").ip_address == "203.0.113.7"
    settings.COMMENTS = {**settings.COMMENTS, "TRUSTED_PROXIES": ["10.0.0.1"]}
    post_comment(article, comment="عبر الوكيل", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.1")
    comment = ReaderComment.objects.get(comment="عبر الوكيل")
    assert comment.ip_address == "1.2.3.4"
    assert comment.akismet_payload["user_ip"] == "1.2.3.4"


@pytest.mark.django_db
def test_comments_closed_by_the_editor(post_comment, article, fake_akismet, client):
    form_page = client.get(article.url)  # the form as it was before closing
    assert 'id="comment-form"' in form_page.content.decode()
    article.comments_open = False
    article.save_revision().publish()
    section = comments_section(client.get(article.url).content.decode())
    assert "التعليقات مغلقة على هذا المقال." in section
    assert 'id="comment-form"' not in section


@pytest.mark.django_db
def test_posting_to_a_closed_article_is_refused(post_comment, article, fake_akismet, settings, client):
    form_html = client.get(article.url).content.decode()  # fetched while comments were open
    settings.COMMENTS = {**settings.COMMENTS, "CLOSE_AFTER_DAYS": 14}
    type(article).objects.filter(pk=article.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=15))
    response = post_comment(article, follow=True, form_html=form_html, comment="بعد الإغلاق")
    assert not ReaderComment.objects.exists()
    assert "التعليقات مغلقة" in response.content.decode()
    assert fake_akismet.requests == []
