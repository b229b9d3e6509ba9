"""Reader search: Arabic spelling variants find the same stories, on SQLite (FTS5) and PostgreSQL.

The recall set mirrors what the outlet's real text looks like (seed-page.md): presentation-form
ligatures typed instead of letters, diacritics, tatweel, hamza forms, ى for ي, Arabic-Indic digits.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from articles import search, selectors
from articles.tests.factories import ArticlePageFactory, translate

FILLER = "نص عادي لا يحمل الكلمات المطلوبة في هذا الاختبار."


def make_article(parent, title: str, *, summary: str = FILLER, body: str = FILLER, **kwargs):
    return ArticlePageFactory(
        parent=parent, title=title, summary=summary, body=[("paragraph", f"<p>{body}</p>")], **kwargs
    )


@pytest.fixture
def corpus(site_tree):
    news, reports = site_tree["sections"]
    articles = {
        # U+FEF7 (ﻷ) typed instead of لأ, as the outlet's editors do.
        "lion": make_article(news, "وفد يلتقي ا\ufef7سد في دمشق"),
        "lion_diacritics": make_article(reports, "بيان رئاسي جديد", body="قال الأَسَدُ إنّ المفاوضات مستمرة"),
        "idlib": make_article(news, "قصف على إدلب ومحيطها"),
        "hospital": make_article(news, "خبر صحي", summary="افتتاح مستشفى جديد في المدينة"),
        "year": make_article(reports, "موازنة عام ٢٠٢٤ تحت المجهر"),
        "president": make_article(news, "تصريحات جديدة", body="أكد الرئيـــس أن الحوار هو الطريق"),
        "ahmad": make_article(reports, "أحمد يفوز بالجائزة الأولى"),
        "ascii_digits": make_article(news, "حصيلة 1500 نازح", summary="نزوح 1500 عائلة من الريف"),
    }
    return {**site_tree, "articles": articles}


def hits(terms_query: str, locale, **filters) -> set[int]:
    clauses = search.query_clauses(terms_query)
    return {page.pk for page in search.search_articles(clauses, locale=locale, **filters)}


RECALL = [
    # (query as a reader types it, the articles it must find)
    ("الأسد", {"lion", "lion_diacritics"}),
    ("الاسد", {"lion", "lion_diacritics"}),
    ("ا\ufef7سد", {"lion", "lion_diacritics"}),
    ("الأَسَد", {"lion", "lion_diacritics"}),
    ("الأسد دمشق", {"lion"}),
    ("إدلب", {"idlib"}),
    ("ادلب", {"idlib"}),
    ("أدلب", {"idlib"}),
    ("مستشفى", {"hospital"}),
    ("مستشفي", {"hospital"}),
    ("2024", {"year"}),
    ("٢٠٢٤", {"year"}),
    ("۲۰۲۴", {"year"}),
    ("١٥٠٠", {"ascii_digits"}),
    ("الرئيس", {"president"}),
    ("الرئيـــس", {"president"}),
    ("احمد", {"ahmad"}),
    ("أحمد", {"ahmad"}),
    ("إحمد", {"ahmad"}),
    ("أَحْمَدُ", {"ahmad"}),
]


def test_arabic_recall(corpus):
    """Every spelling variant finds exactly its stories (one corpus for the whole set: it is slow to build)."""
    names = {page.pk: name for name, page in corpus["articles"].items()}
    locale = corpus["home"].locale
    wrong = {}
    for query, expected in RECALL:
        found = {names[pk] for pk in hits(query, locale)}
        if found != expected:
            wrong[query] = found
    assert wrong == {}


def test_drafts_private_expired_and_other_edition_are_never_found(site_tree, client):
    news, reports = site_tree["sections"]
    visible = make_article(news, "زلزال يضرب المنطقة")
    draft = make_article(news, "زلزال ثان قيد التحرير")
    draft.unpublish()
    expired = make_article(news, "زلزال قديم")
    type(expired).objects.filter(pk=expired.pk).update(expired=True)
    PageViewRestriction.objects.create(page=reports, restriction_type="password", password="secret")
    make_article(reports, "زلزال في قسم خاص")
    translate(visible, "en", title="Earthquake زلزال hits the region", slug="earthquake")

    response = client.get("/search/", {"q": "زلزال"})

    assert response.status_code == 200
    assert [item.pk for item in response.context["items"]] == [visible.pk]


def test_title_matches_rank_above_body_matches(site_tree):
    news = site_tree["sections"][0]
    body_hit = make_article(news, "تقرير اقتصادي", body="ارتفاع أسعار الخبز في الأسواق " + FILLER * 3)
    title_hit = make_article(news, "أسعار الخبز ترتفع", body=FILLER * 3)
    ranked = [page.pk for page in search.search_articles(search.query_clauses("الخبز"), locale=news.locale)]
    assert ranked == [title_hit.pk, body_hit.pk]


def test_results_page_highlights_the_original_spelling(corpus, client):
    response = client.get("/search/", {"q": "الاسد"})
    html = response.content.decode()
    assert response.status_code == 200
    # The title as the editor typed it (with the ligature), the matching word marked.
    assert "<mark>ا\ufef7سد</mark>" in html
    # The snippet from the body keeps the diacritics the editor wrote.
    assert "<mark>الأَسَدُ</mark>" in html
    assert '<meta name="robots" content="noindex' in html


def test_highlight_escapes_html_and_marks_whole_words():
    text = '<script>alert("x")</script> قال الأَسَدُ لـ“رويترز”'
    html = search.highlight(text, search.query_terms("الاسد رويترز"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>الأَسَدُ</mark>" in html
    # The preposition and its tatweel are a separate word: only the name the reader typed is marked.
    assert "لـ“<mark>رويترز</mark>”" in html


def test_highlight_marks_the_words_after_letters_that_normalisation_removes_or_multiplies():
    # A ligature (one character, two letters), tashkeel and tatweel before the match: each moves the
    # characters after it, and the mark must still fall on the word as written.
    text = "\ufef7 مَرْحَبـــاً بِكُم في دِمَشْق وحلب"
    html = search.highlight(text, search.query_terms("دمشق حلب"))
    assert html == "\ufef7 مَرْحَبـــاً بِكُم في <mark>دِمَشْق</mark> <mark>وحلب</mark>"


def test_snippet_is_a_window_around_the_first_match():
    body = ("كلام تمهيدي طويل " * 40) + "ثم تحدث الأسد عن الاتفاق " + ("وتفاصيل أخرى " * 40)
    html = search.snippet(["ملخص لا يذكر الاسم", body], search.query_terms("الاسد"))
    assert "<mark>الأسد</mark>" in html
    assert html.startswith("… ")
    assert html.endswith(" …")
    assert len(re.sub("<[^>]+>", "", html)) <= search.SNIPPET_CHARS + 10


def test_empty_query_shows_a_prompt(client, site_tree):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["state"] == "empty"
    assert 'class="search-results__prompt"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["؟؟؟ !!!", "zzzzqqqxx", '"AND OR NEAR( *', "' OR 1=1 --", "ا" * 150, "ﷺ\u0640\u064b"],
)
def test_nonsense_queries_answer_no_results(corpus, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["state"] == "no_results"


def test_too_long_query_answers_without_searching(corpus, client):
    response = client.get("/search/", {"q": "الأسد " * 60})
    assert response.status_code == 200
    assert response.context["state"] == "too_long"
    assert response.context["results"] is None


def test_pagination_keeps_the_query_and_clamps_the_page(site_tree, client):
    news = site_tree["sections"][0]
    for number in range(search.RESULTS_PER_PAGE + 2):
        make_article(news, f"انتخابات بلدية رقم {number}")

    first = client.get("/search/", {"q": "انتخابات"})
    second = client.get("/search/", {"q": "انتخابات", "page": 2})
    beyond = client.get("/search/", {"q": "انتخابات", "page": 99})

    assert len(first.context["items"]) == search.RESULTS_PER_PAGE
    assert len(second.context["items"]) == 2
    assert beyond.context["results"].number == 2
    assert "page=2" in first.content.decode()
    assert "q=%D8%A7%D9%86%D8%AA%D8%AE%D8%A7%D8%A8%D8%A7%D8%AA&amp;page=2" in first.content.decode()


def test_section_and_date_filters(site_tree, client):
    news, reports = site_tree["sections"]
    now = timezone.now()
    in_news = make_article(news, "فيضانات في الساحل", first_published_at=now - datetime.timedelta(days=1))
    old_news = make_article(news, "فيضانات العام الماضي", first_published_at=now - datetime.timedelta(days=400))
    in_reports = make_article(reports, "تقرير عن الفيضانات", first_published_at=now - datetime.timedelta(days=2))

    by_section = client.get("/search/", {"q": "فيضانات", "section": news.slug})
    assert {a.pk for a in by_section.context["items"]} == {in_news.pk, old_news.pk}

    since = timezone.localdate(now - datetime.timedelta(days=30)).isoformat()
    recent = client.get("/search/", {"q": "فيضانات", "date_from": since})
    assert {a.pk for a in recent.context["items"]} == {in_news.pk}

    until = timezone.localdate(now - datetime.timedelta(days=300)).isoformat()
    older = client.get("/search/", {"q": "فيضانات", "date_to": until})
    assert {a.pk for a in older.context["items"]} == {old_news.pk}
    assert in_reports.pk not in {a.pk for a in older.context["items"]}

    invalid = client.get("/search/", {"q": "فيضانات", "date_from": "not-a-date"})
    assert invalid.status_code == 200
    assert invalid.context["state"] == "invalid"


def test_search_follows_an_article_through_edits_moves_republishing_and_deletion(site_tree):
    """What a reader finds follows the article as editors change it: a new headline is found and the old
    one is not, a story moved to another section is found under that section, a story unpublished then
    published again disappears then returns, and a deleted story is gone (on PostgreSQL the search
    documents follow Wagtail's index and the page table through triggers, whatever writes them). A
    rebuilt index (`update_index`) finds the same stories."""
    news, reports = site_tree["sections"]
    locale = news.locale
    story = make_article(news, "انقطاع الكهرباء عن الأحياء الشرقية")
    other = make_article(news, "انقطاع المياه في الريف")

    story.title = "عودة الكهرباء إلى الأحياء الشرقية"
    story.save_revision().publish()
    assert hits("عودة", locale) == {story.pk}
    assert hits("انقطاع", locale) == {other.pk}

    story.move(reports, pos="last-child")
    assert hits("الكهرباء", locale, section=reports) == {story.pk}
    assert hits("الكهرباء", locale, section=news) == set()

    story.refresh_from_db()
    story.unpublish()
    assert hits("الكهرباء", locale) == set()
    story.refresh_from_db()
    story.save_revision().publish()
    assert hits("الكهرباء", locale) == {story.pk}

    call_command("update_index", verbosity=0)
    assert hits("الكهرباء", locale) == {story.pk}
    assert hits("انقطاع", locale) == {other.pk}

    story.refresh_from_db()
    story.delete()
    assert hits("الكهرباء", locale) == set()
    assert hits("انقطاع", locale) == {other.pk}


def test_search_documents_are_rebuilt_after_a_load_that_bypassed_them(site_tree, capsys):
    """A bulk load with PostgreSQL's triggers off leaves articles out of reader search until
    `rebuild_search_documents` writes their documents from the search index, ranked as before: the
    headline's match above a newer story's mention in its body. They are written in publication order,
    whatever order the load wrote the stories in, so that in an emptied table the newest matches of a search
    lie together."""
    news = site_tree["sections"][0]
    yesterday = timezone.now() - datetime.timedelta(days=1)
    day_before = yesterday - datetime.timedelta(days=1)
    mention = make_article(news, "جولة ثقافية", body="زار الوفد معرض الكتاب. " + FILLER, first_published_at=yesterday)
    story = make_article(news, "افتتاح معرض الكتاب في العاصمة", first_published_at=day_before)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE articles_searchdocument")
        assert hits("معرض", news.locale) == set()

    call_command("rebuild_search_documents")

    ranked = search.search_articles(search.query_clauses("معرض"), locale=news.locale)
    assert [page.pk for page in ranked] == [story.pk, mention.pk]
    assert ("2 search document" in capsys.readouterr().out) == (connection.vendor == "postgresql")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT page_id FROM articles_searchdocument ORDER BY ctid")
            assert [page_id for (page_id,) in cursor.fetchall()] == [story.pk, mention.pk]


def test_english_edition_searches_english_articles(site_tree, client):
    news = site_tree["sections"][0]
    arabic = make_article(news, "مدارس جديدة في المدينة")
    english = translate(arabic, "en", title="New schools open in the city", summary="Schools reopen.", slug="schools")

    response = client.get("/en/search/", {"q": "SCHOOLS"})

    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert [item.pk for item in response.context["items"]] == [english.pk]


def test_stems_arabic_and_english(site_tree):
    """Stemmed at index and query time on both databases (Snowball's stemmers, see text.py)."""
    news = site_tree["sections"][0]
    english = translate(make_article(news, "عودة الطلاب"), "en", title="Schools reopen", slug="schools-reopen")
    arabic = make_article(news, "المعلمون يعودون إلى المدارس")
    assert hits("school", english.locale) == {english.pk}
    assert hits("مدارس", news.locale) == {arabic.pk}


def test_ta_marbuta_folding_is_a_setting(site_tree, settings):
    news = site_tree["sections"][0]
    school = make_article(news, "افتتاح مدرسة في الحي")
    locale = news.locale

    # The Arabic stemmer drops a final ة/ه on its own; the setting keeps working for the other words.
    assert hits("مدرسه", locale) == {school.pk}
    settings.NEWSROOM = {**settings.NEWSROOM, "SEARCH_FOLD_TA_MARBUTA": True}
    assert hits("مدرسه", locale) == {school.pk}
    assert hits("مدرسة", locale) == {school.pk}
    assert "<mark>مدرسة</mark>" in search.highlight("افتتاح مدرسة", search.query_terms("مدرسه"))


def test_readers_forms_find_the_stories(site_tree, client):
    """A plural finds the singular and a bare word finds it with the article, and the other way
    round: the words are stemmed at index and query time, on SQLite as on PostgreSQL."""
    news = site_tree["sections"][0]
    hospital = make_article(news, "افتتاح مستشفى في حمص")
    school = make_article(news, "تلاميذ يعودون", body="أعيد فتح المدرسة بعد الترميم")
    hospitals = make_article(news, "نقص الأدوية", body="تعاني المستشفيات من نقص حاد")
    locale = news.locale

    assert hits("مستشفيات", locale) == {hospital.pk, hospitals.pk}
    assert hits("المستشفى", locale) == {hospital.pk, hospitals.pk}
    assert hits("مدرسة", locale) == {school.pk}
    # The results page marks the forms the story used, not only the form the reader typed.
    html = client.get("/search/", {"q": "مستشفيات"}).content.decode()
    assert "<mark>مستشفى</mark>" in html
    assert "<mark>المستشفيات</mark>" in html


def test_a_phrase_in_quotes_matches_only_as_a_phrase(site_tree):
    news = site_tree["sections"][0]
    together = make_article(news, "تصريح جديد", body="قال وزير الخارجية إن الوفد وصل")
    apart = make_article(news, "تصريح آخر", body="قال الوزير إن وزارة الخارجية ترحب")
    locale = news.locale

    assert hits("وزير الخارجية", locale) == {together.pk, apart.pk}
    for quoted in ('"وزير الخارجية"', "«وزير الخارجية»", "“وزير الخارجية”"):
        assert hits(quoted, locale) == {together.pk}, quoted
    # A phrase and a word together: both must match.
    assert hits('"وزير الخارجية" الوفد', locale) == {together.pk}
    assert hits('"وزير الخارجية" ترحب', locale) == set()


def test_recent_story_first_among_equal_matches(site_tree):
    news = site_tree["sections"][0]
    now = timezone.now()
    older = make_article(news, "أمطار غزيرة", first_published_at=now - datetime.timedelta(days=3))
    newer = make_article(news, "أمطار غزيرة", first_published_at=now - datetime.timedelta(days=1))
    oldest = make_article(news, "أمطار غزيرة", first_published_at=now - datetime.timedelta(days=9))
    body_only = make_article(news, "طقس", body="أمطار غزيرة على الساحل", first_published_at=now)
    ranked = [page.pk for page in search.search_articles(search.query_clauses("امطار"), locale=news.locale)]
    assert ranked == [newer.pk, older.pk, oldest.pk, body_only.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranks on the headline and standfirst")
def test_headline_kicker_and_standfirst_rank_first_then_the_newest_body_mentions(site_tree):
    """On PostgreSQL ranking reads the headline, the kicker and the standfirst: a story naming the word
    there ranks above one naming it only in its body, however often, and body-only mentions come newest
    first. An editor's new standfirst counts from its publication."""
    news = site_tree["sections"][0]
    now = timezone.now()

    def story(title, days, **fields):
        return make_article(news, title, first_published_at=now - datetime.timedelta(days=days), **fields)

    headline = story("حرائق في الساحل", 40)
    standfirst = story("نشرة الطقس", 30, summary="تحذير من حرائق محتملة")
    kicker = story("تحذير رسمي من الأرصاد", 20, kicker="حرائق")
    often = story("أخبار المحافظات", 10, body="حرائق " * 12 + FILLER)
    once = story("جولة الصحافة", 1, body="ذكرت الصحف حرائق الصيف الماضي. " + FILLER)

    def ranked():
        return [page.pk for page in search.search_articles(search.query_clauses("حرائق"), locale=news.locale)]

    assert ranked() == [headline.pk, kicker.pk, standfirst.pk, once.pk, often.pk]

    often.summary = "أضرار الحرائق في ثلاث محافظات"
    often.save_revision().publish()
    assert ranked() == [headline.pk, often.pk, kicker.pk, standfirst.pk, once.pk]


def test_a_common_word_is_ranked_among_its_newest_matches_and_counted_up_to_a_cap(site_tree, client, settings):
    """Past NEWSROOM["SEARCH_CANDIDATES"] matches, search ranks the newest ones only and says "more
    than N" (in Arabic with the plural the number takes): what a common word costs no longer grows with
    the number of stories it is in. A date range chooses its own newest matches, so older stories stay
    reachable."""
    settings.NEWSROOM = {**settings.NEWSROOM, "SEARCH_CANDIDATES": 3}
    news = site_tree["sections"][0]
    now = timezone.now()
    # The best match (the word in the headline) is the oldest story.
    headline = make_article(news, "زلزال قوي", first_published_at=now - datetime.timedelta(days=30))
    in_body = [
        make_article(
            news, f"خبر {n}", body="شعر السكان بزلزال خفيف", first_published_at=now - datetime.timedelta(days=n)
        )
        for n in range(1, 5)
    ]
    newest_three = [article.pk for article in in_body[:3]]

    response = client.get("/search/", {"q": "زلزال"})
    assert [item.pk for item in response.context["items"]] == newest_three
    assert response.context["capped"] is True
    assert response.context["results"].paginator.count == 3
    assert "أكثر من" in response.content.decode()

    # Within the cap, every match is ranked and counted as before: the headline first.
    until = timezone.localdate(now - datetime.timedelta(days=3)).isoformat()
    narrowed = client.get("/search/", {"q": "زلزال", "date_to": until})
    assert [item.pk for item in narrowed.context["items"]] == [headline.pk, in_body[2].pk, in_body[3].pk]
    assert narrowed.context["capped"] is False
    assert "أكثر من" not in narrowed.content.decode()

    settings.NEWSROOM = {**settings.NEWSROOM, "SEARCH_CANDIDATES": 1000}
    assert [page.pk for page in search.search_articles(search.query_clauses("زلزال"), locale=news.locale)][
        0
    ] == headline.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search only: SQLite's starts from FTS5")
def test_the_newest_matches_are_looked_for_among_the_newest_months_first(site_tree, settings, monkeypatch):
    """On PostgreSQL a search first looks for its newest candidates among the months holding the edition's
    newest documents, and reads all its matches only when those months hold too few: the same stories
    come back either way, whether a word is in every story, only in old ones, or on both sides of the
    window's edge."""
    settings.NEWSROOM = {**settings.NEWSROOM, "SEARCH_CANDIDATES": 2}  # 3 wanted: windows of 6 and 48 documents
    news = site_tree["sections"][0]
    now = timezone.now()
    words = {
        "زلزال": range(12),  # in every story
        "بركان": range(9, 12),  # only in the oldest, outside the window
        "اعصار": range(5, 9),  # two inside the window, two before it
    }
    stories = [
        make_article(
            news,
            f"خبر {n}",
            body=" ".join(word for word, months in words.items() if n in months),
            first_published_at=now - datetime.timedelta(days=31 * n),
        )
        for n in range(12)
    ]

    def found(word: str) -> tuple[list[int], int]:
        results = search.search_articles(search.query_clauses(word), locale=news.locale)
        return [page.pk for page in results], results.count()

    with CaptureQueriesContext(connection) as queries:
        windowed = {word: found(word) for word in words}
    assert any("&&" in query["sql"] for query in queries.captured_queries)
    monkeypatch.setattr(search, "RECENT_WINDOWS", ())
    assert windowed == {word: found(word) for word in words}
    newest = {word: {stories[n].pk for n in list(months)[:2]} for word, months in words.items()}
    assert {word: set(ids) for word, (ids, _count) in windowed.items()} == newest


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search only: SQLite's starts from FTS5")
def test_a_documents_month_is_the_same_in_python_and_in_its_index(site_tree):
    """The window's months are computed in Python and matched against the GIN index's expression: a story
    published in the last hour of a month (in UTC, whatever the newsroom's time zone) must be in the same
    month for both, or a search could leave it out."""
    news = site_tree["sections"][0]
    moments = [
        datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 1, 0, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 31, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(2027, 1, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3))),
    ]
    stories = [make_article(news, f"خبر {n}", first_published_at=moment) for n, moment in enumerate(moments)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT page_id, ({search.MONTH_SQL})[1] FROM articles_searchdocument WHERE page_id = ANY(%s)",
            [[story.pk for story in stories]],
        )
        in_index = dict(cursor.fetchall())
    november, december = 2026 * 12 + 11, 2026 * 12 + 12
    # 1 January at 01:00 in UTC+3 is still 31 December in UTC.
    assert [in_index[story.pk] for story in stories] == [november, december, december, december]
    assert [selectors.publication_month(moment) for moment in moments] == [november, december, december, december]


def test_more_than_n_results_in_english(site_tree, client, settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "SEARCH_CANDIDATES": 1}
    news = site_tree["sections"][0]
    for slug in ("floods-1", "floods-2"):
        translate(make_article(news, "فيضانات"), "en", title="Floods in the valley", slug=slug)

    html = client.get("/en/search/", {"q": "floods"}).content.decode()
    assert "More than 1 article found for <bdi>floods</bdi>" in html
