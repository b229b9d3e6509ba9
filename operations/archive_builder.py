"""A large archive built in minutes, for the benchmark (`manage.py bench`).

An outlet's archive (10,000 to 200,000 articles, millions of comments) arrives at once with an import;
publishing it one page at a time through Wagtail would take hours. This writes the rows straight into
the page tree's tables in chunks, one transaction each: treebeard paths under the existing sections,
Wagtail's Page columns (live, first published, locale, translation key, URL path) and the article's own
row, its byline and tags, the search index entries (through the search backend, so they are exactly what
publishing writes), and the comments' three tables. Live pages need no revision for readers, so none is
written.

On PostgreSQL the rows go in with COPY, the tables' plain (non-unique) indexes are dropped for the load and
built again once at the end, and foreign-key triggers are off for the load when the role may do that
(as pg_dump's --disable-triggers does: the rows are made consistent here). 200,000 articles and 2,000,000
comments then take minutes, not hours. SQLite takes the same rows through Django's bulk INSERTs.

Every row is a model instance and every table gets all of its model's columns, so a column added to a
model (with a default or nullable) is written with its default and needs no change here.

The text is the demo's own Arabic, reshuffled: the same words, names and spellings readers search for,
plus RARE_TERM in about one title in a thousand (a search that matches few articles). Tags and reporters
follow a skewed popularity (a few carry most stories), comments too (most articles have a handful, a few
have hundreds), and about a third of the comments are replies in threads.

Only for benchmarks: nothing here is called by the site.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site as DjangoSite
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Model
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend
from wagtail.search.index import class_is_indexed

from articles.models import ArticleAuthor, ArticlePage, ArticleTag, Author, HomePage, SearchDocument, SectionPage, Tag
from articles.services import search_documents_rebuild
from comments.models import ReaderComment, Status

ARTICLE_CHUNK = 2_000
COMMENT_CHUNK = 20_000
EXTRA_AUTHORS = 40
EXTRA_TAGS = 300
YEARS = 10
RARE_TERM = "القنيطرة"
RARE_EVERY = 1_000
FEATURED_ARTICLE_EVERY = 100
FEATURED_COMMENT_EVERY = 2_000
REPLY_SHARE = 0.35
MAX_LEVEL = 2

COMMENT_TEXTS = [
    "شكراً على هذا التقرير المفصل.",
    "الوضع في المدينة أصعب مما ذُكر، والكهرباء تنقطع معظم النهار.",
    "أتمنى أن تتابعوا هذه القصة في الأيام القادمة.",
    "معلومات مهمة، لكن أين رأي الأهالي؟",
    "نحتاج إلى مزيد من التفاصيل عن الأسعار في الأسواق.",
    "أسكن في دمشق، وما ورد في الخبر صحيح تماماً.",
    "هل من مصدر رسمي لهذه الأرقام؟",
    "تقرير متوازن، شكراً للمراسل.",
]
REPLY_TEXTS = [
    "أوافقك الرأي.",
    "لا أظن ذلك، فالأرقام الرسمية تقول غير هذا.",
    "هذا ما رأيته بنفسي الأسبوع الماضي.",
    "شكراً على التوضيح.",
]


def table_models(model: type[Model]) -> list[type[Model]]:
    """A model's tables, root first (a child row needs its parent's)."""
    return [*reversed(model._meta.get_parent_list()), model]


# Columns psycopg takes as Python values; any other field goes through its get_db_prep_save (JSON, streams).
PLAIN_COLUMNS = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField", "DateTimeField",
    "ForeignKey", "GenericIPAddressField", "IntegerField", "OneToOneField", "PositiveBigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField",
    "UUIDField",
}  # fmt: skip


def column_values(fields: list, template: Model) -> list[tuple[str, bool, object]]:
    """Each field's attname, whether it needs preparing, and its value on `template` (its default)."""
    return [
        (
            field.attname,
            field.get_internal_type() not in PLAIN_COLUMNS,
            getattr(template, field.attname),
        )
        for field in fields
    ]


def copy_rows(model: type[Model], rows: list[dict], template: Model | None = None) -> None:
    """COPY `rows` (attname → value, primary keys included) into every table of `model`, every concrete
    column of each: a column a row leaves out gets its value on `template` (by default a fresh
    instance: the model's defaults), so a column added to the model needs nothing here."""
    template = template if template is not None else model()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        for table_model in table_models(model):
            fields = list(table_model._meta.local_concrete_fields)
            by_name = {field.attname: field for field in fields}
            columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
            table = connection.ops.quote_name(table_model._meta.db_table)
            plan = column_values(fields, template)
            prepared_defaults = {
                name: by_name[name].get_db_prep_save(default, connection) if prepare else default
                for name, prepare, default in plan
            }
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            (by_name[name].get_db_prep_save(row[name], connection) if prepare else row[name])
                            if name in row
                            else prepared_defaults[name]
                            for name, prepare, _default in plan
                        ]
                    )


def insert_rows(model: type[Model], rows: list[dict], template: Model | None = None) -> None:
    """Write `rows` (attname → value, primary keys included) into every table of `model`: COPY on
    PostgreSQL, else INSERTs of model instances (bulk_create cannot write a child of a concrete parent)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(model, rows, template)
        return
    objs = [model(**row) for row in rows]
    for table_model in table_models(model):
        fields = list(table_model._meta.local_concrete_fields)
        # SQLite allows 32,766 parameters in a statement.
        size = max(1, 30_000 // len(fields))
        for start in range(0, len(objs), size):
            table_model._base_manager._insert(
                objs[start : start + size], fields=fields, raw=True, using=connection.alias
            )


def pk_values(model: type[Model], value: int) -> dict:
    """The primary key of each of the model's tables (a child's is its parent pointer), all `value`."""
    return {m._meta.pk.attname: value for m in table_models(model)}


def next_id(model: type[Model]) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models: type[Model]) -> None:
    """PostgreSQL's id sequences behind the explicit ids written here (SQLite follows max(id) itself)."""
    tables = {m for model in models for m in table_models(model)}
    statements = connection.ops.sequence_reset_sql(no_style(), list(tables))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@contextlib.contextmanager
def bulk_load(tables: list[str]) -> Iterator[None]:
    """On PostgreSQL: drop the tables' plain indexes (neither primary key nor unique: ON CONFLICT and the
    tree's path need those), switch foreign-key triggers off when the role may, and put both back at
    the end, even after a failure. A bulk load then appends rows instead of updating a dozen B-trees
    and a GIN index per row; each index is built once, sorted, afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Inside a transaction that already wrote rows (a test's), their deferred foreign-key checks must
        # run first: PostgreSQL alters no index of a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if superuser:
                cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Corpus:
    """Titles, summaries and paragraphs drawn from the demo articles' words and paragraphs."""

    def __init__(self, articles: list[ArticlePage], rng: random.Random):
        self.rng = rng
        self.title_words = [w for a in articles for w in a.title.split()] or ["خبر", "دمشق"]
        self.summaries = [a.summary for a in articles if a.summary] or ["ملخص الخبر من دمشق."]
        self.paragraphs = [
            block.value.source
            for a in articles
            for block in a.body
            if block.block_type == "paragraph" and block.value.source.strip()
        ] or ["<p>نص الخبر.</p>"]

    def title(self, *, rare: bool = False) -> str:
        words = self.rng.choices(self.title_words, k=self.rng.randint(5, 9))
        if rare:
            words.insert(self.rng.randrange(len(words) + 1), RARE_TERM)
        return " ".join(words)[:250]

    def summary(self) -> str:
        return self.rng.choice(self.summaries)[:300]

    def body(self) -> list[dict]:
        return [
            {"type": "paragraph", "value": paragraph, "id": str(uuid.uuid4())}
            for paragraph in self.rng.sample(self.paragraphs, k=min(len(self.paragraphs), self.rng.randint(4, 8)))
        ]


def zipf_choice(rng: random.Random, items: list, k: int) -> list:
    """`k` distinct items, the first ones far more often (a few tags and reporters carry most stories)."""
    weights = [1 / (rank + 1) for rank in range(len(items))]
    cumulative = list(itertools.accumulate(weights))
    chosen: list = []
    while len(chosen) < min(k, len(items)):
        item = rng.choices(items, cum_weights=cumulative)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def build_archive(
    *,
    home: HomePage,
    articles: int,
    comments: int,
    seed: int = 1,
    progress: Callable[[str], None] = lambda message: None,
) -> dict:
    """Add `articles` published articles under `home`'s sections, older than everything there, and
    `comments` published comments spread over them. Returns what was made."""
    rng = random.Random(seed)
    sections = list(SectionPage.objects.live().child_of(home).order_by("path"))
    if not sections:
        raise ValueError("The home page has no sections to fill.")
    existing = list(ArticlePage.objects.live().descendant_of(home))
    corpus = Corpus(existing, rng)
    oldest = min((a.first_published_at for a in existing if a.first_published_at), default=timezone.now())

    # The archive's reporters and tags, once (a second build on the same database reuses them).
    Author.objects.bulk_create(
        [Author(name=f"مراسل الأرشيف {n}", slug=f"archive-reporter-{n}") for n in range(EXTRA_AUTHORS)],
        ignore_conflicts=True,
    )
    Tag.objects.bulk_create(
        [Tag(name=f"وسم {n}", slug=f"archive-tag-{n}") for n in range(EXTRA_TAGS)], ignore_conflicts=True
    )
    authors = list(Author.objects.order_by("pk"))
    tags = list(Tag.objects.order_by("pk"))
    content_type = ContentType.objects.get_for_model(ArticlePage)
    backend = get_search_backend()
    search_index = backend.get_index_for_model(ArticlePage)

    # Where each section's next child goes in the tree.
    next_child = {}
    for section in sections:
        last = Page.objects.filter(path__startswith=section.path, depth=section.depth + 1).order_by("-path").first()
        next_child[section.pk] = (Page._str2int(last.path[-Page.steplen :]) + 1) if last else 1

    tables = [
        m._meta.db_table
        for model in (ArticlePage, ArticleAuthor, ArticleTag, ReaderComment)
        for m in table_models(model)
    ]
    if class_is_indexed(ArticlePage):
        tables += [search_index.entries.model._meta.db_table, SearchDocument._meta.db_table]

    page_id = next_id(Page)
    span = datetime.timedelta(days=365 * YEARS).total_seconds()
    body_field = ArticlePage._meta.get_field("body")
    template = ArticlePage(content_type=content_type, live=True, comments_open=True)
    made: list[tuple[int, datetime.datetime]] = []
    with bulk_load(tables):
        for start in range(0, articles, ARTICLE_CHUNK):
            count = min(ARTICLE_CHUNK, articles - start)
            pages, links, taggings = [], [], []
            added = dict.fromkeys(next_child, 0)
            for _ in range(count):
                section = rng.choice(sections)
                step = next_child[section.pk]
                next_child[section.pk] += 1
                added[section.pk] += 1
                slug = f"archive-{page_id}"
                published = oldest - datetime.timedelta(seconds=rng.uniform(60, span))
                title = corpus.title(rare=rng.randrange(RARE_EVERY) == 0)
                pages.append(
                    {
                        **pk_values(ArticlePage, page_id),
                        "path": section.path + Page._int2str(step).rjust(Page.steplen, "0"),
                        "depth": section.depth + 1,
                        "numchild": 0,
                        "translation_key": uuid.uuid4(),
                        "locale_id": section.locale_id,
                        "live": True,
                        "has_unpublished_changes": False,
                        "first_published_at": published,
                        "last_published_at": published,
                        "title": title,
                        "draft_title": title,
                        "slug": slug,
                        "content_type_id": content_type.pk,
                        "url_path": f"{section.url_path}{slug}/",
                        "summary": corpus.summary(),
                        "body": body_field.to_python(corpus.body()),
                        "comments_open": True,
                        "is_featured": rng.randrange(FEATURED_ARTICLE_EVERY) == 0,
                    }
                )
                for order, author in enumerate(zipf_choice(rng, authors, rng.choice((1, 1, 1, 2)))):
                    links.append(ArticleAuthor(page_id=page_id, author_id=author.pk, sort_order=order))
                for tag in zipf_choice(rng, tags, rng.randint(1, 4)):
                    taggings.append(ArticleTag(content_object_id=page_id, tag_id=tag.pk))
                made.append((page_id, published))
                page_id += 1
            with transaction.atomic():
                insert_rows(ArticlePage, pages, template=template)
                ArticleAuthor.objects.bulk_create(links, batch_size=1_000)
                ArticleTag.objects.bulk_create(taggings, batch_size=1_000)
                for section_pk, n in added.items():
                    if n:
                        Page.objects.filter(pk=section_pk).update(numchild=F("numchild") + n)
                if class_is_indexed(ArticlePage):
                    index_articles(search_index, [row["id"] for row in pages])
            progress(f"articles {start + count:,}/{articles:,}")
        reset_sequences(ArticlePage, ArticleAuthor, ArticleTag, Author, Tag)
        made_comments = add_comments(articles=made, count=comments, rng=rng, progress=progress)
        if class_is_indexed(ArticlePage):
            # The triggers that keep the search documents are off during the load (replica role).
            progress(f"search documents {search_documents_rebuild():,}")
    progress("indexes rebuilt")
    return {"articles": len(made), "comments": made_comments}


SEARCH_METHODS = ("search_title", "search_summary", "search_body", "search_tags")


def index_articles(search_index, ids: list[int]) -> None:
    """Index the articles `ids` exactly as publishing does (the backend's own bulk insert), tags fetched
    once. The indexer asks for each search method once per index column; each is computed once here
    and kept on the instance (same text, a fifth of the work)."""
    batch = list(ArticlePage.objects.filter(pk__in=ids).prefetch_related("tags"))
    for article in batch:
        for name in SEARCH_METHODS:
            method = getattr(article, name, None)
            if callable(method):
                setattr(article, name, method())
    for offset in range(0, len(batch), 500):
        search_index.add_items(ArticlePage, batch[offset : offset + 500])


def comment_counts(ids: list[int], count: int, rng: random.Random) -> Counter:
    """How many comments each article gets: skewed (a Pareto weight per article), summing to `count`."""
    weights = [rng.paretovariate(1.2) for _ in ids]
    return Counter(rng.choices(ids, weights=weights, k=count))


def add_comments(
    *,
    count: int,
    rng: random.Random,
    ids: list[int] | None = None,
    articles: list[tuple[int, datetime.datetime]] | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> int:
    """`count` published comments, threads and replies, on the articles `ids` (or `articles`, pairs of id
    and publication time: comments then come after it), in chunks of one transaction each. Returns
    how many were written."""
    if articles is None:
        published = dict(ArticlePage.objects.filter(pk__in=ids or []).values_list("pk", "first_published_at"))
        articles = [(pk, published.get(pk)) for pk in ids or []]
    if not articles or count <= 0:
        return 0
    content_type_id = ContentType.objects.get_for_model(ArticlePage).pk
    site = Site.objects.filter(is_default_site=True).first()
    django_site_id = DjangoSite.objects.get_current().pk
    published_at = dict(articles)
    if len(articles) == 1:
        per_article = Counter({articles[0][0]: count})
    else:
        per_article = comment_counts([pk for pk, _ in articles], count, rng)
    comment_id = next_id(ReaderComment)
    now = timezone.now()
    rows: list[dict] = []
    written = 0

    def flush():
        nonlocal written, rows
        with transaction.atomic():
            insert_rows(ReaderComment, rows)
        written += len(rows)
        rows = []
        progress(f"comments {written:,}/{count:,}")

    for article_id in sorted(per_article):
        n = per_article[article_id]
        start = published_at.get(article_id) or now - datetime.timedelta(days=30)
        window = max(60.0, min((now - start).total_seconds(), 3600 * 24 * 30))
        times = sorted(start + datetime.timedelta(seconds=rng.uniform(30, window)) for _ in range(n))
        # thread id -> [last comment's id, its level, comments in the thread]
        threads: dict[int, list[int]] = {}
        for submitted in times:
            reply = threads and rng.random() < REPLY_SHARE
            if reply:
                thread_id = rng.choice(list(threads))
                last_id, last_level, size = threads[thread_id]
                # A reply to the thread's root or to its latest comment: both belong at the thread's end.
                if last_level < MAX_LEVEL and rng.random() < 0.5:
                    parent_id, level = last_id, last_level + 1
                else:
                    parent_id, level = thread_id, 1
                order = size + 1
                threads[thread_id] = [comment_id, level, order]
                text = rng.choice(REPLY_TEXTS)
            else:
                thread_id = parent_id = comment_id
                level, order = 0, 1
                threads[thread_id] = [comment_id, 0, 1]
                text = rng.choice(COMMENT_TEXTS)
            reader = rng.randint(1, 50_000)
            rows.append(
                {
                    **pk_values(ReaderComment, comment_id),
                    "content_type_id": content_type_id,
                    "object_pk": str(article_id),
                    "site_id": django_site_id,
                    "user_name": f"قارئ {reader}",
                    "user_email": f"reader{reader}@example.com",
                    "user_url": "",
                    "comment": text,
                    "submit_date": submitted,
                    "submitted_at": submitted,
                    "ip_address": "192.0.2.1",
                    "is_public": True,
                    "is_removed": False,
                    "thread_id": thread_id,
                    "parent_id": parent_id,
                    "level": level,
                    "order": order,
                    "status": Status.PUBLISHED,
                    "status_changed_at": submitted,
                    "article_id": article_id,
                    "wagtail_site_id": site.pk if site else None,
                    "featured_at": submitted if rng.randrange(FEATURED_COMMENT_EVERY) == 0 else None,
                }
            )
            comment_id += 1
            if len(rows) >= COMMENT_CHUNK:
                flush()
    if rows:
        flush()
    reset_sequences(ReaderComment)
    return written
