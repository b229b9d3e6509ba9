"""Banned and suspect word lists: Arabic spelling variants, attached prefixes and pronoun suffixes,
whole words only; banned goes to spam without asking Akismet, suspect is held; the queue shows which
term matched and where; the lists are a Wagtail setting moderators edit, or come from `manage.py comment_words`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from comments import selectors, services
from comments.models import CommentWordLists, ReaderComment, Reason, Status
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


SETTING = "/admin/settings/comments/commentwordlists/"


def user_in(group: str | None, name: str) -> User:
    user = User.objects.create_user(name, f"{name}@example.com", "secret-pass-123")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def edit_lists(client, **lists):
    """Open the setting as Wagtail's admin does (its address leads to the one row) and save it."""
    page = client.get(SETTING, follow=True)
    assert page.status_code == 200, page.status_code
    data = {"banned": "", "suspect": "", **lists}
    return client.post(page.redirect_chain[-1][0], data, follow=True)


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["Moderators", "Editors"])
def test_moderators_and_editors_edit_the_lists_as_a_wagtail_setting(client, group):
    user = user_in(group, "desk")
    client.force_login(user)
    # The workspace's tab and its old address lead to the setting.
    assert client.get("/admin/comments/words/", follow=True).redirect_chain[-1][0].startswith(SETTING)
    response = edit_lists(client, banned="كلمة\n\nكلمة\nعبارة  ممنوعة", suspect="رابط\nlink")
    assert response.status_code == 200
    lists = CommentWordLists.load()
    assert lists.banned == "كلمة\nعبارة ممنوعة"  # blank lines, duplicates and runs of spaces dropped
    assert lists.suspect == "رابط\nlink"
    # Wagtail's log says who changed them.
    entry = ModelLogEntry.objects.filter(content_type__model="commentwordlists").latest("timestamp")
    assert (entry.action, entry.user) == ("wagtail.edit", user)
    # ...and the lists' page shows it (moderators cannot open the admin's site history).
    history = response.content.decode().split("آخر التغييرات", 1)[1]
    assert "<bdi>desk</bdi>" in history


@pytest.mark.django_db
@pytest.mark.parametrize("group", ["Reporters", None])
def test_reporters_and_readers_cannot_open_or_change_the_lists(client, group):
    services.set_word_list(kind="banned", text="خنزير", actor=None)
    client.force_login(user_in(group, "someone"))
    setting = CommentWordLists.load()
    url = f"{SETTING}{setting.pk}/"
    assert client.get(url).status_code in (302, 403)
    client.post(url, {"banned": "", "suspect": "شيء"})
    assert client.get("/admin/comments/words/").status_code in (302, 403)
    setting.refresh_from_db()
    assert (setting.banned, setting.suspect) == ("خنزير", "")


@pytest.mark.django_db
def test_a_moderator_has_the_lists_and_nothing_more_of_the_settings(client, moderator):
    assert "comments.change_commentwordlists" in moderator.get_all_permissions()
    home = client.get("/admin/").content.decode()
    assert SETTING in home  # in the menu
    # Another setting (the site's) stays out of reach.
    assert client.get("/admin/settings/articles/newsroomsettings/", follow=True).redirect_chain[-1][0] == "/admin/"


@pytest.mark.django_db
def test_a_change_applies_to_the_next_comment_at_once(client, moderator, post_comment, article, fake_akismet):
    known = "known@example.com"
    post_comment(article, comment="كلام عن الكازينو", email=known)  # matched against empty lists (now cached)
    assert ReaderComment.objects.latest("pk").status != Status.SPAM

    edit_lists(client, banned="كازينو")
    client.logout()  # the next comment comes from a reader
    post_comment(article, comment="تعال إلى الكازينو الليلة", email=known)
    assert ReaderComment.objects.latest("pk").status == Status.SPAM
    assert ReaderComment.objects.latest("pk").hold_reasons == [Reason.BANNED_WORD]


@pytest.mark.django_db
def test_another_process_sees_a_saved_list_through_the_shared_generation(django_assert_num_queries):
    services.set_word_list(kind="suspect", text="قديمة", actor=None)
    assert selectors.word_lists()["suspect"] == ["قديمة"]
    with django_assert_num_queries(0):  # cached between changes
        selectors.word_lists()
    # Another process saved the lists: the row changed under this process, and the shared generation moved.
    CommentWordLists.objects.update(suspect="جديدة")
    cache.set(selectors.WORDS_GENERATION_KEY, 12345, None)
    assert selectors.word_lists()["suspect"] == ["جديدة"]


@pytest.mark.django_db
def test_the_command_replaces_a_list_from_a_file(tmp_path):
    services.set_word_list(kind="suspect", text="قديمة", actor=None)
    source = tmp_path / "moderation_keys.txt"
    source.write_text("\ufeffمؤامرة\nfake news\n\n", encoding="utf-8")
    call_command("comment_words", "suspect", str(source))
    assert CommentWordLists.load().suspect == "مؤامرة\nfake news"
    assert selectors.word_lists()["suspect"] == ["مؤامرة", "fake news"]
    assert ModelLogEntry.objects.filter(content_type__model="commentwordlists", action="wagtail.edit").exists()
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(CommandError):
        call_command("comment_words", "banned", str(tmp_path / "latin1.txt"))
