"""A large archive built in minutes, for the benchmark (`manage.py bench`).

An outlet's archive (10,000 to 200,000 articles, millions of comments) arrives at once with an import;
publishing it one page at a time through Wagtail would take hours. This writes the rows straight into
the page tree's tables in batches: treebeard paths under the existing sections, Wagtail's Page columns
(live, first published, locale, translation key, URL path) and the article's own row, its byline and
tags, the search index entries (through the search backend, so they are exactly what publishing
writes), and the comments' three tables. Live pages need no revision for readers, so none is written.

The text is the demo's own Arabic, reshuffled: the same words, names and spellings readers search for.
Only for benchmarks: nothing here is called by the site.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site as DjangoSite
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Model
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend

from articles.models import ArticleAuthor, ArticlePage, ArticleTag, Author, HomePage, SectionPage, Tag
from comments.models import ReaderComment, Status

BATCH = 500
EXTRA_AUTHORS = 40
EXTRA_TAGS = 300
YEARS = 10


def insert_rows(model: type[Model], objs: list[Model]) -> None:
    """INSERT `objs` (explicit primary keys set) into every table of a multi-table model, root first:
    Django's bulk_create cannot write a child of a concrete parent."""
    for table_model in [*reversed(model._meta.get_parent_list()), model]:
        fields = list(table_model._meta.local_concrete_fields)
        table_model._base_manager._insert(objs, fields=fields, raw=True, using=connection.alias)


def next_id(model: type[Model]) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def set_pk(obj: Model, value: int) -> None:
    for table_model in [obj.__class__, *obj._meta.get_parent_list()]:
        setattr(obj, table_model._meta.pk.attname, value)


def reset_sequences(*models: type[Model]) -> None:
    """PostgreSQL's id sequences behind the explicit ids written here (SQLite follows max(id) itself)."""
    tables = {m for model in models for m in [model, *model._meta.get_parent_list()]}
    statements = connection.ops.sequence_reset_sql(no_style(), list(tables))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Corpus:
    """Titles, summaries and paragraphs drawn from the demo articles' words and paragraphs."""

    def __init__(self, articles: list[ArticlePage], rng: random.Random):
        self.rng = rng
        self.title_words = [w for a in articles for w in a.title.split()] or ["خبر"]
        self.summaries = [a.summary for a in articles if a.summary] or ["ملخص الخبر."]
        self.paragraphs = [
            block.value.source
            for a in articles
            for block in a.body
            if block.block_type == "paragraph" and block.value.source.strip()
        ] or ["<p>نص الخبر.</p>"]

    def title(self) -> str:
        return " ".join(self.rng.choices(self.title_words, k=self.rng.randint(5, 9)))[:250]

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
    chosen: list = []
    while len(chosen) < min(k, len(items)):
        item = rng.choices(items, weights=weights)[0]
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

    authors = list(Author.objects.all())
    authors += Author.objects.bulk_create(
        [Author(name=f"مراسل الأرشيف {n}", slug=f"archive-reporter-{n}") for n in range(EXTRA_AUTHORS)]
    )
    tags = list(Tag.objects.all())
    tags += Tag.objects.bulk_create([Tag(name=f"وسم {n}", slug=f"archive-tag-{n}") for n in range(EXTRA_TAGS)])
    content_type = ContentType.objects.get_for_model(ArticlePage)
    search_index = get_search_backend().get_index_for_model(ArticlePage)

    # Where each section's next child goes in the tree.
    next_child = {}
    for section in sections:
        last = Page.objects.filter(path__startswith=section.path, depth=section.depth + 1).order_by("-path").first()
        next_child[section.pk] = (Page._str2int(last.path[-Page.steplen :]) + 1) if last else 1

    page_id = next_id(Page)
    span = datetime.timedelta(days=365 * YEARS).total_seconds()
    made_ids: list[int] = []
    for start in range(0, articles, BATCH):
        count = min(BATCH, articles - start)
        pages, links, taggings = [], [], []
        added = dict.fromkeys(next_child, 0)
        for _ in range(count):
            section = rng.choice(sections)
            step = next_child[section.pk]
            next_child[section.pk] += 1
            added[section.pk] += 1
            slug = f"archive-{page_id}"
            published = oldest - datetime.timedelta(seconds=rng.uniform(60, span))
            title = corpus.title()
            page = ArticlePage(
                path=section.path + Page._int2str(step).rjust(Page.steplen, "0"),
                depth=section.depth + 1,
                numchild=0,
                translation_key=uuid.uuid4(),
                locale_id=section.locale_id,
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                url_path=f"{section.url_path}{slug}/",
                summary=corpus.summary(),
                body=corpus.body(),
                comments_open=True,
            )
            set_pk(page, page_id)
            pages.append(page)
            for order, author in enumerate(zipf_choice(rng, authors, rng.choice((1, 1, 1, 2)))):
                links.append(ArticleAuthor(page_id=page_id, author_id=author.pk, sort_order=order))
            for tag in zipf_choice(rng, tags, rng.randint(1, 4)):
                taggings.append(ArticleTag(content_object_id=page_id, tag_id=tag.pk))
            made_ids.append(page_id)
            page_id += 1
        with transaction.atomic():
            insert_rows(ArticlePage, pages)
            ArticleAuthor.objects.bulk_create(links)
            ArticleTag.objects.bulk_create(taggings)
            for section_pk, n in added.items():
                if n:
                    Page.objects.filter(pk=section_pk).update(numchild=F("numchild") + n)
            # Index exactly as publishing does (the backend's own bulk insert), tags fetched once.
            batch = list(ArticlePage.objects.filter(pk__in=[p.pk for p in pages]).prefetch_related("tags"))
            search_index.add_items(ArticlePage, batch)
        progress(f"articles {start + count:,}/{articles:,}")
    reset_sequences(ArticlePage, ArticleAuthor, ArticleTag, Author, Tag)

    add_comments(ids=made_ids, count=comments, rng=rng, progress=progress)
    return {"articles": len(made_ids), "comments": comments}


def add_comments(
    *, ids: list[int], count: int, rng: random.Random, progress: Callable[[str], None] = lambda m: None
) -> None:
    """`count` published top-level comments on the articles `ids` (chosen at random), in batches."""
    if not ids or count <= 0:
        return
    content_type = ContentType.objects.get_for_model(ArticlePage)
    site = Site.objects.filter(is_default_site=True).first()
    django_site = DjangoSite.objects.get_current()
    texts = [
        "شكراً على هذا التقرير المفصل.",
        "الوضع في المدينة أصعب مما ذُكر، والكهرباء تنقطع معظم النهار.",
        "أتمنى أن تتابعوا هذه القصة في الأيام القادمة.",
        "معلومات مهمة، لكن أين رأي الأهالي؟",
        "نحتاج إلى مزيد من التفاصيل عن الأسعار في الأسواق.",
    ]
    comment_id = next_id(ReaderComment)
    now = timezone.now()
    batch_size = BATCH * 4
    for start in range(0, count, batch_size):
        rows = []
        for _ in range(min(batch_size, count - start)):
            article_id = rng.choice(ids)
            submitted = now - datetime.timedelta(seconds=rng.uniform(0, 3600 * 24 * 365 * YEARS))
            row = ReaderComment(
                content_type_id=content_type.pk,
                object_pk=str(article_id),
                site_id=django_site.pk,
                user_name=f"قارئ {rng.randint(1, 50_000)}",
                user_email=f"reader{rng.randint(1, 50_000)}@example.com",
                user_url="",
                comment=rng.choice(texts),
                submit_date=submitted,
                ip_address="192.0.2.1",
                thread_id=comment_id,
                parent_id=comment_id,
                level=0,
                order=1,
                status=Status.PUBLISHED,
                status_changed_at=submitted,
                article_id=article_id,
                wagtail_site_id=site.pk if site else None,
            )
            row.sync_derived_fields()
            set_pk(row, comment_id)
            rows.append(row)
            comment_id += 1
        with transaction.atomic():
            insert_rows(ReaderComment, rows)
        progress(f"comments {start + len(rows):,}/{count:,}")
    reset_sequences(ReaderComment)
