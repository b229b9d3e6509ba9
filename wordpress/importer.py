"""A WordPress export → sections, authors, tags, images, articles, comments and redirects.

The import reads the file twice. The first pass checks that the whole file is well-formed (a broken file
stops before anything is written), counts the posts and comments for the progress bar, and collects
what posts refer to: authors, categories, tags and attachments. Those are imported first. The second
pass imports posts in batches, each batch one transaction with its comments, redirects and the rows of
`ImportedObject` that remember what each WordPress ID became; an interrupted run keeps every committed
batch and the next run goes on from there (unchanged posts are recognised by their checksum and skipped).

Speed: the costs that come with a page save in an editor's request are left out or deferred. New
articles are inserted in bulk (see `_create_pages`); the search index is updated in one pass at the end
instead of one queued task per save; Wagtail's reference index (what uses an image) is left to the task
worker; nothing is published through revisions except scheduled posts (Wagtail's scheduler needs a
revision); comments are written in bulk (see `_insert_comments` for why not through the comment model's
`save()`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import reset_queries, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone, translation
from django.utils.text import slugify
from django_comments.models import Comment as BaseComment
from django_comments_xtd.models import XtdComment
from modelsearch import index
from modelsearch import signal_handlers as search_signals
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task

from articles.generation import content_generation_bump
from articles.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage, Tag
from comments.models import CommentEvent, EventKind, ReaderComment, Status

from . import content, wxr
from .models import ImportedObject, Kind

logger = logging.getLogger(__name__)

BATCH_SIZE = 100  # posts per transaction
COMMENT_CHUNK = 500  # rows per INSERT
SUMMARY_MAX = 300
IMPORTED_NOTE = "imported from WordPress"

COMMENT_STATES = {"1": Status.PUBLISHED, "0": Status.HELD, "spam": Status.SPAM, "trash": Status.TRASH}
SKIPPED_COMMENT_TYPES = {"pingback", "trackback"}
POST_STATES = {"publish", "draft", "pending", "future", "private"}


# --- Outcomes ---------------------------------------------------------------------------------------


@dataclass
class Stats:
    """created / updated / unchanged / skipped / failed, per kind, and the report lines behind them."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    lines: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[kind][outcome] += n

    def note(self, kind: str, wp_id: str, outcome: str, reason: str) -> None:
        self.lines.append(f"{kind}\t{wp_id}\t{outcome}\t{reason}")

    def table(self) -> list[tuple[str, int, int, int, int, int]]:
        order = ["author", "section", "tag", "image", "article", "page", "comment", "pingback", "redirect", "item"]
        kinds = sorted(self.counts, key=lambda k: (order.index(k) if k in order else len(order), k))
        return [
            (
                kind,
                self.counts[kind]["created"],
                self.counts[kind]["updated"],
                self.counts[kind]["unchanged"],
                self.counts[kind]["skipped"],
                self.counts[kind]["failed"],
            )
            for kind in kinds
        ]


@dataclass
class Options:
    media_dir: Path | None = None
    dry_run: bool = False
    sections_map: dict[str, str | None] = field(default_factory=dict)
    desks: set[str] = field(default_factory=set)  # logins or display names that are desks
    pages: str = "skip"  # "skip" or "articles": what to do with post_type page
    pages_section: str = "pages"


class DryRunRollback(Exception):
    """Raised inside the outer transaction of a dry run so that nothing it did is kept."""


@dataclass
class Attachment:
    wp_id: str
    url: str
    file: str
    title: str
    alt: str
    caption: str
    parent: str


@dataclass
class _NewPage:
    page: ArticlePage
    section: SectionPage
    item: wxr.Item
    checksum: str
    go_live_at: datetime | None


# --- Helpers ------------------------------------------------------------------------------------------


def decode_slug(value: str) -> str:
    """WordPress stores non-ASCII slugs percent-encoded (`%d8%a7…`): decode them back to Arabic."""
    return unquote(value or "").strip().strip("/")


def make_slug(value: str, fallback: str) -> str:
    slug = slugify(decode_slug(value), allow_unicode=True)[:240].strip("-")
    return slug or fallback


def _checksum(*parts) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _upload_key(url_or_path: str) -> str:
    """`https://old.example/wp-content/uploads/2020/01/a-300x200.jpg` → `2020/01/a.jpg`: the key that
    finds an attachment from any of its sizes."""
    path = unquote(urlparse(url_or_path).path if "://" in url_or_path else url_or_path)
    if "/uploads/" in path:
        path = path.split("/uploads/", 1)[1]
    path = path.lstrip("/")
    return re.sub(r"-\d+x\d+(\.[A-Za-z0-9]+)$", r"\1", path).lower()


def _parse_date(item: wxr.Item) -> datetime | None:
    """`wp:post_date_gmt` is the truth; drafts have none. A published post exported without one (it
    happens with posts imported into WordPress) falls back to the RSS `pubDate`."""
    value = wxr.parse_gmt(item.post_date_gmt)
    if value is None and item.status in ("publish", "future", "private") and item.pub_date:
        try:
            value = parsedate_to_datetime(item.pub_date).astimezone(UTC)
        except (TypeError, ValueError):
            value = None
    return value


def _comment_text(html: str) -> str:
    """Comment HTML (WordPress allows a few tags) as the plain text our comments hold; a link keeps its
    address after its text, so nothing a reader wrote is lost."""

    def link(match: re.Match) -> str:
        href, text = match.group(1), content.plain_text(match.group(2))
        return text if not href or href in text else f"{text} ({href})"

    html = re.sub(r"<a\s[^>]*href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", link, html, flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"<br\s*/?>", "\n", html, flags=re.IGNORECASE)
    html = re.sub(r"</p>\s*<p[^>]*>", "\n\n", html, flags=re.IGNORECASE)
    tree = content.parse_html(html)
    return content.text_of(tree).strip()


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@contextmanager
def deferred_indexing() -> Iterator[None]:
    """No search-index or reference-index task per saved object while importing; `reindex()` does both
    once at the end. (Every post_save would otherwise queue a task: tens of thousands of them.)"""
    models = [m for m in index.get_indexed_models() if getattr(m, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(search_signals.post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(search_signals.post_save_signal_handler, sender=model)


# --- The importer -------------------------------------------------------------------------------------


class Importer:
    def __init__(self, path: Path, options: Options, progress: Callable[[int, int], None] | None = None):
        self.path = Path(path)
        self.options = options
        self.progress = progress or (lambda done, total: None)
        self.stats = Stats()
        self.channel = wxr.Channel()
        self.source = ""
        self.authors: dict[str, wxr.Author] = {}
        self.terms: list[wxr.Term] = []
        self.attachments: dict[str, Attachment] = {}
        self.upload_keys: dict[str, str] = {}
        self.total_items = 0
        self.done_items = 0
        # WordPress ID → our object ID, per kind (filled from ImportedObject and as things are made)
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)
        self.checksums: dict[str, dict[str, str]] = defaultdict(dict)
        self.imported_pages: list[int] = []
        self.imported_images: list[int] = []
        self.imported_authors: list[int] = []
        self._new_pages: list[_NewPage] = []
        self._child_steps: dict[int, int] = {}

    # --- Entry point ---

    def run(self) -> Stats:
        """Import the file; raises wxr.WXRError (before writing anything) if it cannot be read."""
        self._first_pass()
        with translation.override(settings.LANGUAGE_CODE), deferred_indexing():
            if self.options.dry_run:
                try:
                    with transaction.atomic():
                        self._import()
                        raise DryRunRollback
                except DryRunRollback:
                    pass
            else:
                self._import()
                self._reindex()
        return self.stats

    def _first_pass(self) -> None:
        with self.path.open("rb") as handle:
            for record in wxr.read(handle, items=False):
                if record.kind == "channel":
                    self.channel = record.value
                elif record.kind == "author":
                    self.authors[record.value.login] = record.value
                elif record.kind == "term":
                    self.terms.append(record.value)
                elif record.kind == "item_stub":
                    _post_id, _post_type, n_comments = record.value
                    self.total_items += 1
                elif record.kind == "item":
                    self.total_items += 1
                    item = record.value
                    if item.post_type == "attachment":
                        self._collect_attachment(item)
                # bad items are reported by the second pass
        self.source = (self.channel.base_blog_url or self.channel.link or self.channel.base_site_url or "").rstrip("/")

    def _collect_attachment(self, item: wxr.Item) -> None:
        attached = item.meta_first("_wp_attached_file")
        url = item.attachment_url or item.guid
        attachment = Attachment(
            wp_id=item.post_id,
            url=url,
            file=attached or (_upload_key(url) if url else ""),
            title=content.plain_text(item.title),
            alt=item.meta_first("_wp_attachment_image_alt").strip(),
            caption=content.plain_text(item.excerpt),
            parent=item.parent,
        )
        self.attachments[item.post_id] = attachment
        for key in (url, attached):
            if key:
                self.upload_keys[_upload_key(key)] = item.post_id

    def _import(self) -> None:
        self.home = self._arabic_home()
        self.site = Site.objects.filter(root_page=self.home).first()
        self._load_known()
        with transaction.atomic():
            self._import_authors()
            self._import_terms()
        self._import_images()
        self._import_items()

    # --- Setup ---

    def _arabic_home(self) -> HomePage:
        locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
        home = HomePage.objects.filter(locale=locale).first() if locale else None
        if home is None:
            raise ImportError_(
                "There is no Arabic home page to import into: run `manage.py migrate` and create the site "
                "first (`manage.py load_demo` does)."
            )
        return home

    def _load_known(self) -> None:
        for kind, wp_id, object_id, checksum in ImportedObject.objects.filter(source=self.source).values_list(
            "kind", "wp_id", "object_id", "checksum"
        ):
            self.ids[kind][wp_id] = object_id
            self.checksums[kind][wp_id] = checksum

    def _remember(self, kind: str, wp_id: str, object_id: int, checksum: str = "") -> None:
        known = kind in self.ids and wp_id in self.ids[kind]
        self.ids[kind][wp_id] = object_id
        self.checksums[kind][wp_id] = checksum
        if known:
            ImportedObject.objects.filter(source=self.source, kind=kind, wp_id=wp_id).update(
                object_id=object_id, checksum=checksum, imported_at=timezone.now()
            )
        else:
            ImportedObject.objects.create(
                source=self.source, kind=kind, wp_id=wp_id, object_id=object_id, checksum=checksum
            )

    def _import_authors(self) -> None:
        desks = {d.strip().casefold() for d in self.options.desks}
        existing = {a.slug: a for a in Author.objects.all()}
        for login, wp_author in self.authors.items():
            name = (
                wp_author.display_name or " ".join(p for p in (wp_author.first_name, wp_author.last_name) if p) or login
            )
            is_desk = login.casefold() in desks or name.casefold() in desks
            checksum = _checksum(name, is_desk)
            author_id = self.ids[Kind.AUTHOR].get(login)
            if author_id and self.checksums[Kind.AUTHOR].get(login) == checksum:
                self.stats.add("author", "unchanged")
                continue
            author = Author.objects.filter(pk=author_id).first() if author_id else None
            slug = make_slug(login, f"author-{len(existing) + 1}")
            if author is None:
                author = existing.get(slug) or Author.objects.filter(name=name).first()
                outcome = "updated" if author else "created"
                if author is None:
                    author = Author(slug=slug)
                    existing[slug] = author
            else:
                outcome = "updated"
            author.name = name[:120]
            author.is_desk = is_desk or author.is_desk
            author.save()
            self.imported_authors.append(author.pk)
            self._remember(Kind.AUTHOR, login, author.pk, checksum)
            self.stats.add("author", outcome)

    def _import_terms(self) -> None:
        """Categories → sections (top-level ones; a child category is a tag), tags → tags."""
        self.category_parent: dict[str, str] = {}
        self.category_name: dict[str, str] = {}
        for term in self.terms:
            if term.taxonomy == "category":
                slug = decode_slug(term.slug)
                self.category_parent[slug] = decode_slug(term.parent_slug)
                self.category_name[slug] = term.name or slug
        self.sections_by_slug: dict[str, SectionPage] = {}
        self.sections_by_title: dict[str, SectionPage] = {}
        for section in SectionPage.objects.child_of(self.home):
            self.sections_by_slug[section.slug] = section
            self.sections_by_title[section.title.strip().casefold()] = section
        self.tag_ids: dict[str, int] = {}
        for term in self.terms:
            if term.taxonomy == "post_tag":
                self._tag_id(term.name, term.slug)

    def _top_category(self, slug: str) -> str:
        seen = set()
        while self.category_parent.get(slug) and slug not in seen:
            seen.add(slug)
            slug = self.category_parent[slug]
        return slug

    def _section_key(self, category_slug: str) -> str | None:
        """The section a category's posts go to (its slug or title), or None when mapped to no section."""
        mapping = self.options.sections_map
        if category_slug in mapping:
            return mapping[category_slug]
        top = self._top_category(category_slug)
        if top in mapping:
            return mapping[top]
        return top

    def _section(self, key: str) -> SectionPage:
        """The Arabic home's section whose slug or title is `key` (or the category's name); made if missing."""
        slug = make_slug(key, "section")
        title = self.category_name.get(key, key)
        section = (
            self.sections_by_slug.get(slug)
            or self.sections_by_slug.get(key)
            or self.sections_by_title.get(title.strip().casefold())
            or self.sections_by_title.get(key.strip().casefold())
        )
        if section is not None:
            if key not in self.ids[Kind.SECTION]:
                self.ids[Kind.SECTION][key] = section.pk
                self.stats.add("section", "unchanged")
            return section
        section = SectionPage(title=title[:255], slug=slug, locale_id=self.home.locale_id)
        self.home.add_child(instance=section)
        self.home.refresh_from_db(fields=["numchild"])
        self.sections_by_slug[slug] = section
        self.sections_by_title[title.strip().casefold()] = section
        self._remember(Kind.SECTION, key, section.pk)
        self.stats.add("section", "created")
        return section

    def _tag_id(self, name: str, slug: str = "") -> int | None:
        name = content.plain_text(name)[:100]
        slug = make_slug(slug or name, "")[:100] or make_slug(name, "")[:100]
        if not name or not slug:
            return None
        if slug in self.tag_ids:
            return self.tag_ids[slug]
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
            self.stats.add("tag", "created")
        else:
            self.stats.add("tag", "unchanged")
        self.tag_ids[slug] = tag.pk
        if slug not in self.ids[Kind.TAG]:
            self._remember(Kind.TAG, slug, tag.pk)
        return tag.pk

    # --- Images ---

    def _import_images(self) -> None:
        Image = get_image_model()
        media_dir = self.options.media_dir
        for wp_id, attachment in self.attachments.items():
            self.done_items += 1
            known = self.ids[Kind.IMAGE].get(wp_id)
            checksum = _checksum(attachment.title, attachment.alt, attachment.file)
            if known and self.checksums[Kind.IMAGE].get(wp_id) == checksum:
                self.stats.add("image", "unchanged")
                continue
            if known:
                Image.objects.filter(pk=known).update(
                    title=(attachment.title or Path(attachment.file).name)[:255], description=attachment.alt[:255]
                )
                self._remember(Kind.IMAGE, wp_id, known, checksum)
                self.stats.add("image", "updated")
                continue
            path = (media_dir / attachment.file) if media_dir and attachment.file else None
            if path is None or not path.is_file():
                reason = f"file not found: {attachment.file or attachment.url}"
                if media_dir is None:
                    reason += " (no --media-dir given)"
                self.stats.add("image", "skipped")
                self.stats.note("image", wp_id, "skipped", reason)
                continue
            if not _looks_like_image(path):
                self.stats.add("image", "skipped")
                self.stats.note("image", wp_id, "skipped", f"not an image: {attachment.file}")
                continue
            if self.options.dry_run:
                self.stats.add("image", "created")
                continue
            try:
                with transaction.atomic(), path.open("rb") as handle:
                    image = Image(
                        title=(attachment.title or path.stem)[:255],
                        description=attachment.alt[:255],
                        file=File(handle, name=path.name),
                    )
                    image._set_image_file_metadata()
                    image.save()
                    self._remember(Kind.IMAGE, wp_id, image.pk, checksum)
            except Exception as exc:  # an unreadable picture is reported; the articles still import
                self.stats.add("image", "failed")
                self.stats.note("image", wp_id, "failed", f"{attachment.file}: {exc}")
                continue
            self.imported_images.append(image.pk)
            self.stats.add("image", "created")
        self.progress(self.done_items, self.total_items)

    def _image_id(self, ref: content.ImageRef) -> tuple[int | None, str]:
        wp_id = ref.wp_id if ref.wp_id in self.attachments or not ref.url else ""
        if not wp_id and ref.url:
            wp_id = self.upload_keys.get(_upload_key(ref.url), "")
        image_id = self.ids[Kind.IMAGE].get(wp_id) if wp_id else None
        attachment = self.attachments.get(wp_id)
        return image_id, (attachment.caption if attachment else "")

    # --- Posts ---

    def _import_items(self) -> None:
        batch: list[wxr.Item] = []
        with self.path.open("rb") as handle:
            for record in wxr.read(handle, items=True):
                if record.kind == "bad_item":
                    self.done_items += 1
                    self.stats.add("item", "failed")
                    self.stats.note("item", record.value or "?", "failed", record.error)
                    continue
                if record.kind != "item":
                    continue
                item = record.value
                if item.post_type == "attachment":
                    continue  # done in the image pass (counted there)
                if item.post_type not in ("post", "page"):
                    self._skip_item(item, item.post_type, "")
                    continue
                if item.post_type == "page" and self.options.pages == "skip":
                    self._skip_item(item, "page", f"a WordPress page ({item.title!r}): not imported")
                    continue
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    self._import_batch(batch)
                    batch = []
        if batch:
            self._import_batch(batch)

    def _skip_item(self, item: wxr.Item, kind: str, reason: str) -> None:
        """Count an item that is not imported, and its comments with it (every comment accounted for)."""
        self.done_items += 1
        self.stats.add(kind, "skipped")
        if reason:
            self.stats.note(kind, item.post_id, "skipped", reason)
        for comment in item.comments:
            self.stats.add("pingback" if comment.type in SKIPPED_COMMENT_TYPES else "comment", "skipped")
            self.stats.note("comment", comment.wp_id, "skipped", f"on {kind} {item.post_id}, which is not imported")

    def _import_batch(self, items: list[wxr.Item]) -> None:
        with transaction.atomic():
            self._new_pages: list[_NewPage] = []
            pending_comments: list[tuple[ArticlePage, wxr.Item]] = []
            for item in items:
                self.done_items += 1
                kind = "article" if item.post_type == "post" else "page"
                try:
                    with transaction.atomic():
                        page, outcome = self._import_post(item, kind)
                except Exception as exc:  # one bad post is reported, never the end of the import
                    logger.debug("post %s failed", item.post_id, exc_info=True)
                    self.stats.add(kind, "failed")
                    self.stats.note(kind, item.post_id, "failed", f"{type(exc).__name__}: {exc}")
                    continue
                self.stats.add(kind, outcome)
                if page is not None:
                    pending_comments.append((page, item))
            self._create_pages(self._new_pages)
            self._import_comments(pending_comments)
        # With DEBUG on (a development run), Django keeps the last 9,000 queries' SQL: bulk inserts make that
        # hundreds of megabytes. Memory stays flat whatever the settings.
        reset_queries()
        self.progress(self.done_items, self.total_items)

    def _import_post(self, item: wxr.Item, kind: str) -> tuple[ArticlePage | None, str]:
        if item.status not in POST_STATES:
            self.stats.note(kind, item.post_id, "skipped", f"status {item.status!r} is not imported")
            for comment in item.comments:
                self.stats.add("pingback" if comment.type in SKIPPED_COMMENT_TYPES else "comment", "skipped")
            return None, "skipped"
        checksum = _checksum(
            item.title, item.content, item.excerpt, item.status, item.post_date_gmt, item.slug, item.is_sticky,
            item.password, item.categories, item.creator, item.meta.get("_thumbnail_id"),
            item.meta.get("_wp_old_slug"), item.link,
        )  # fmt: skip
        page_id = self.ids[Kind.ARTICLE].get(item.post_id)
        page = ArticlePage.objects.filter(pk=page_id).first() if page_id else None
        if page is not None and self.checksums[Kind.ARTICLE].get(item.post_id) == checksum:
            return page, "unchanged"

        section = self._post_section(item, kind)
        date = _parse_date(item)
        now = timezone.now()
        body = content.convert(item.content)
        for note in dict.fromkeys(body.notes):
            self.stats.note(kind, item.post_id, "note", note)
        stream = self._stream(body, item)
        title = content.plain_text(item.title) or _truncate(content.plain_text(item.content), 80) or f"#{item.post_id}"
        summary = content.plain_text(item.excerpt)
        if not summary:
            first = next((v for t, v in body.blocks if t == "paragraph"), "")
            summary = content.plain_text(first)
        if len(summary) > SUMMARY_MAX:
            self.stats.note(kind, item.post_id, "note", "summary shortened to 300 characters")
        summary = _truncate(summary, SUMMARY_MAX) or title[:SUMMARY_MAX]

        lead_image_id, lead_caption = None, ""
        thumbnail = item.meta_first("_thumbnail_id").strip()
        if thumbnail:
            lead_image_id = self.ids[Kind.IMAGE].get(thumbnail)
            attachment = self.attachments.get(thumbnail)
            lead_caption = attachment.caption if attachment else ""
            if lead_image_id is None and not self.options.dry_run:
                self.stats.note(kind, item.post_id, "note", f"featured image {thumbnail} was not imported")

        status = item.status
        live = status in ("publish", "private")
        go_live_at = None
        if status == "future":
            if date and date > now:
                go_live_at = date
            else:
                live = True  # its time has passed: WordPress would have published it ("missed schedule")
        fields = {
            "title": title[:255],
            "draft_title": title[:255],
            "summary": summary,
            "body": stream,
            "is_featured": item.is_sticky,
            "lead_image_id": lead_image_id,
            "lead_image_caption": lead_caption[:300],
            "first_published_at": date if live else None,
            "last_published_at": date if live else None,
            "latest_revision_created_at": date if live else None,
            "live": live,
            "has_unpublished_changes": not live,
            "go_live_at": go_live_at,
        }
        if page is None:
            slug = self._unique_slug(section, item)
            page = ArticlePage(slug=slug, locale_id=self.home.locale_id, **fields)
            page.comments_open = True
            self._new_pages.append(_NewPage(page, section, item, checksum, go_live_at))
            return page, "created"  # written with the rest of the batch by _create_pages
        else:
            for name, value in fields.items():
                setattr(page, name, value)
            page.save()
            outcome = "updated"
            if page.get_parent().pk != section.pk:
                self.stats.note(kind, item.post_id, "note", "its category changed: the article stays in its section")

        self._set_byline(page, item)
        self._set_tags(page, item)
        self._set_restriction(page, item)
        if go_live_at is not None:
            revision = page.save_revision(log_action=False, clean=False)
            revision.publish(log_action=False)
        self._set_redirects(page, item)
        self._remember(Kind.ARTICLE, item.post_id, page.pk, checksum)
        self.imported_pages.append(page.pk)
        return page, outcome

    def _create_pages(self, new: list[_NewPage]) -> None:
        """Write a batch's new articles in bulk: tree paths computed here (each section's children are
        numbered on from its last one), the two page tables inserted in one statement each, then their
        bylines, tags, redirects and import records, also in bulk. Validation already happened while
        preparing (unique slugs per section, field lengths); `Page.save()`'s own checks would cost a
        dozen queries per article."""
        if not new:
            return
        by_section: dict[int, list[_NewPage]] = defaultdict(list)
        for entry in new:
            by_section[entry.section.pk].append(entry)
        for entries in by_section.values():
            section = entries[0].section
            step = self._last_child_step(section)
            for entry in entries:
                step += 1
                page = entry.page
                page.depth = section.depth + 1
                page.path = Page._get_path(section.path, page.depth, step)
                page.numchild = 0
                page.url_path = f"{section.url_path}{page.slug}/"
            self._child_steps[section.pk] = step
            Page.objects.filter(pk=section.pk).update(numchild=F("numchild") + len(entries))
        page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
        bases = [Page(**{f.attname: getattr(e.page, f.attname) for f in page_fields}) for e in new]
        Page.objects.bulk_create(bases)
        for base, entry in zip(bases, new, strict=True):
            entry.page.pk = entry.page.id = entry.page.page_ptr_id = base.pk
            entry.page._state.adding = False
        ArticlePage._base_manager._insert(
            [e.page for e in new], fields=ArticlePage._meta.local_concrete_fields, raw=True
        )
        ArticleAuthor.objects.bulk_create(
            [
                ArticleAuthor(page_id=e.page.pk, author_id=author_id, sort_order=0)
                for e in new
                if (author_id := self._author_id(e.item)) is not None
            ]
        )
        through = ArticlePage.tags.through
        through.objects.bulk_create(
            [through(content_object_id=e.page.pk, tag_id=tag_id) for e in new for tag_id in self._tag_ids(e.item)]
        )
        for entry in new:
            if entry.item.password or entry.item.status == "private":
                self._set_restriction(entry.page, entry.item)
            if entry.go_live_at is not None:
                page = ArticlePage.objects.get(pk=entry.page.pk)
                revision = page.save_revision(log_action=False, clean=False)
                revision.publish(log_action=False)
        self._bulk_redirects([(e.page, e.item) for e in new])
        ImportedObject.objects.bulk_create(
            [
                ImportedObject(
                    source=self.source,
                    kind=Kind.ARTICLE,
                    wp_id=e.item.post_id,
                    object_id=e.page.pk,
                    checksum=e.checksum,
                )
                for e in new
            ]
        )
        for entry in new:
            self.ids[Kind.ARTICLE][entry.item.post_id] = entry.page.pk
            self.checksums[Kind.ARTICLE][entry.item.post_id] = entry.checksum
            self.imported_pages.append(entry.page.pk)

    def _last_child_step(self, section: SectionPage) -> int:
        if section.pk not in self._child_steps:
            last = (
                Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            self._child_steps[section.pk] = Page._str2int(last[-Page.steplen :]) if last else 0
        return self._child_steps[section.pk]

    def _post_section(self, item: wxr.Item, kind: str) -> SectionPage:
        if kind == "page":
            return self._section(self.options.pages_section)
        categories = [decode_slug(nicename) for domain, nicename, _ in item.categories if domain == "category"]
        for category in categories:
            if category == "uncategorized" and len(categories) > 1:
                continue
            key = self._section_key(category)
            if key is not None:
                return self._section(key)
        fallback = categories[0] if categories else "uncategorized"
        self.category_name.setdefault(fallback, fallback)
        return self._section(self._top_category(fallback))

    def _unique_slug(self, section: SectionPage, item: wxr.Item) -> str:
        title = content.plain_text(item.title)
        slug = make_slug(item.slug, "") or make_slug(title, f"post-{item.post_id}")
        taken = self._taken_slugs(section)
        if slug in taken:
            slug = f"{slug[:230]}-{item.post_id}"
        taken.add(slug)
        return slug

    def _taken_slugs(self, section: SectionPage) -> set[str]:
        cache = self.__dict__.setdefault("_slugs", {})
        if section.pk not in cache:
            cache[section.pk] = set(Page.objects.child_of(section).values_list("slug", flat=True))
        return cache[section.pk]

    def _stream(self, body: content.Body, item: wxr.Item) -> list[dict]:
        stream = []
        for block_type, value in body.blocks:
            if block_type == "image":
                image_id, caption = self._image_id(value)
                if image_id is None:
                    if not self.options.dry_run:
                        self.stats.note(
                            "article", item.post_id, "note", f"image {value.wp_id or value.url} not imported: left out"
                        )
                    if value.caption:
                        stream.append({"type": "paragraph", "value": f"<p>{content.escape(value.caption)}</p>"})
                    continue
                value = {"image": image_id, "caption": (value.caption or caption)[:300], "credit": ""}
            stream.append({"type": block_type, "value": value, "id": str(uuid.uuid4())})
        return stream

    def _author_id(self, item: wxr.Item) -> int | None:
        author_id = self.ids[Kind.AUTHOR].get(item.creator)
        if author_id is None and item.creator:
            author = Author.objects.filter(slug=make_slug(item.creator, "")).first()
            if author is None:
                author = Author.objects.create(
                    name=item.creator[:120], slug=make_slug(item.creator, f"author-{item.post_id}")
                )
                self.stats.add("author", "created")
            self._remember(Kind.AUTHOR, item.creator, author.pk)
            author_id = author.pk
        return author_id

    def _set_byline(self, page: ArticlePage, item: wxr.Item) -> None:
        author_id = self._author_id(item)
        if author_id is None:
            return
        links = list(ArticleAuthor.objects.filter(page=page).values_list("author_id", flat=True))
        if links != [author_id]:
            ArticleAuthor.objects.filter(page=page).delete()
            ArticleAuthor.objects.create(page=page, author_id=author_id, sort_order=0)

    def _set_tags(self, page: ArticlePage, item: wxr.Item) -> None:
        wanted = self._tag_ids(item)
        through = ArticlePage.tags.through
        have = set(through.objects.filter(content_object=page).values_list("tag_id", flat=True))
        if have != set(wanted):
            through.objects.filter(content_object=page).exclude(tag_id__in=wanted).delete()
            through.objects.bulk_create(
                [through(content_object=page, tag_id=tag_id) for tag_id in wanted if tag_id not in have]
            )

    def _tag_ids(self, item: wxr.Item) -> list[int]:
        """The post's tags, and its child categories as tags (a top-level category is its section)."""
        wanted: list[int] = []
        for domain, nicename, name in item.categories:
            if domain == "post_tag":
                tag_id = self._tag_id(name, nicename)
            elif domain == "category":
                slug = decode_slug(nicename)
                mapped_to_section = slug in self.options.sections_map and self.options.sections_map[slug] is not None
                is_child = bool(self.category_parent.get(slug))
                if not is_child or mapped_to_section:
                    continue
                tag_id = self._tag_id(self.category_name.get(slug, name), slug)
            else:
                continue
            if tag_id and tag_id not in wanted:
                wanted.append(tag_id)
        return wanted

    def _set_restriction(self, page: ArticlePage, item: wxr.Item) -> None:
        """A password → a password-protected page; private → the Editors group (and administrators), as
        WordPress shows a private post to editors and administrators only; without that group, any
        logged-in account (readers have none)."""
        PageViewRestriction.objects.filter(page=page).delete()
        if item.password:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, password=item.password
            )
        elif item.status == "private":
            editors = Group.objects.filter(name="Editors")
            restriction = PageViewRestriction.objects.create(
                page=page,
                restriction_type=PageViewRestriction.GROUPS if editors else PageViewRestriction.LOGIN,
            )
            if editors:
                restriction.groups.set(editors)

    # --- Redirects ---

    def _old_paths(self, item: wxr.Item) -> list[str]:
        paths = [f"/?p={item.post_id}"]
        link = urlparse(item.link) if item.link else None
        if link and (link.path not in ("", "/") or link.query):
            path = link.path or "/"
            if link.query:
                path += "?" + link.query
            paths.append(path)
            if not link.query:
                slug = item.slug.strip("/")
                for old in item.meta.get("_wp_old_slug", []):
                    old = old.strip().strip("/")
                    if old and slug and slug in path:
                        head, _, tail = path.rpartition(slug)
                        paths.append(head + old + tail)
                    elif old:
                        paths.append(f"/{old}/")
        elif item.slug:
            paths.append(f"/{item.slug.strip('/')}/")
            for old in item.meta.get("_wp_old_slug", []):
                if old.strip():
                    paths.append(f"/{old.strip().strip('/')}/")
        return list(dict.fromkeys(Redirect.normalise_path(p) for p in paths))

    def _set_redirects(self, page: ArticlePage, item: wxr.Item) -> None:
        self._bulk_redirects([(page, item)])

    def _bulk_redirects(self, posts: list[tuple[ArticlePage, wxr.Item]]) -> None:
        site_id = self.site.pk if self.site else None
        wanted = [(path, page) for page, item in posts for path in self._old_paths(item)]
        paths = [path for path, _ in wanted]
        existing = {}
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            existing.update((r.old_path, r) for r in Redirect.objects.filter(old_path__in=chunk, site_id=site_id))
        new = []
        for path, page in dict(wanted).items():
            redirect = existing.get(path)
            if redirect is None:
                new.append(Redirect(old_path=path, site_id=site_id, redirect_page=page, is_permanent=True))
                self.stats.add("redirect", "created")
            elif redirect.redirect_page_id != page.pk or not redirect.is_permanent:
                redirect.redirect_page = page
                redirect.redirect_link = ""
                redirect.is_permanent = True
                redirect.save()
                self.stats.add("redirect", "updated")
            else:
                self.stats.add("redirect", "unchanged")
        Redirect.objects.bulk_create(new)

    # --- Comments ---

    def _import_comments(self, posts: list[tuple[ArticlePage, wxr.Item]]) -> None:
        """Every comment of a batch of posts: new ones inserted in bulk, known ones updated when their
        state or text changed in WordPress. Threads are computed per post, in memory."""
        ct = ContentType.objects.get_for_model(ArticlePage)
        site_id = settings.SITE_ID
        wagtail_site_id = self.site.pk if self.site else None
        max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        now = timezone.now()
        new_rows: list[tuple[wxr.Comment, ReaderComment]] = []
        threads: list[tuple[ArticlePage, list[wxr.Comment], dict[str, int | None]]] = []
        known_ids = self.ids[Kind.COMMENT]
        to_update: dict[int, tuple[wxr.Comment, str]] = {}
        for page, item in posts:
            comments = []
            for comment in item.comments:
                if comment.type in SKIPPED_COMMENT_TYPES:
                    self.stats.add("pingback", "skipped")
                    continue
                state = COMMENT_STATES.get(comment.approved)
                if state is None or not comment.wp_id:
                    self.stats.add("comment", "skipped")
                    self.stats.note("comment", comment.wp_id or "?", "skipped", f"state {comment.approved!r}")
                    continue
                comments.append(comment)
            if not comments:
                continue
            for comment in comments:
                if comment.wp_id in known_ids:
                    checksum = _checksum(comment.content, comment.approved, comment.author, comment.author_email)
                    if self.checksums[Kind.COMMENT].get(comment.wp_id) == checksum:
                        self.stats.add("comment", "unchanged")
                    else:
                        to_update[known_ids[comment.wp_id]] = (comment, checksum)
                    continue
                date = wxr.parse_gmt(comment.date_gmt) or page.first_published_at or now
                status = COMMENT_STATES[comment.approved]
                text = _comment_text(comment.content)
                row = ReaderComment(
                    content_type_id=ct.pk,
                    object_pk=str(page.pk),
                    site_id=site_id,
                    user_name=comment.author[:50],
                    user_email=comment.author_email[:254],
                    user_url=comment.author_url[:200],
                    comment=text,
                    submit_date=date,
                    ip_address=_ip(comment.author_ip),
                    status=status,
                    status_changed_at=date,
                    article_id=page.pk,
                    wagtail_site_id=wagtail_site_id,
                    akismet_payload={
                        "user_ip": comment.author_ip,
                        "user_agent": comment.user_agent[:500],
                        "referrer": "",
                        "permalink": "",
                        "comment_type": "reply" if comment.parent not in ("", "0") else "comment",
                        "comment_author": comment.author,
                        "comment_author_email": comment.author_email,
                        "comment_author_url": comment.author_url,
                        "comment_content": text,
                        "comment_date_gmt": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "blog_charset": "UTF-8",
                    },
                )
                row.sync_derived_fields()
                new_rows.append((comment, row))
            threads.append((page, comments, {}))
        self._insert_comments(new_rows, threads, now=now, max_level=max_level)
        if to_update:
            self._update_comments(to_update)

    def _insert_comments(
        self, rows: list[tuple[wxr.Comment, ReaderComment]], threads, *, now: datetime, max_level: int
    ) -> None:
        """Bulk insert of new comments, history included.

        The comment model is three tables (django-comments' Comment, xtd's XtdComment, our ReaderComment:
        multi-table inheritance), which Django's `bulk_create` refuses, and xtd's `save()` writes each
        comment twice and recomputes its thread with several queries. So the first table is written in
        bulk (that gives the IDs), the threads of the batch's posts are computed in memory (`_thread`), and
        the other two tables are written in bulk with their thread columns already right. No Akismet
        call: WordPress already judged these comments, and their state is kept as it was.
        """
        base_fields = [f for f in BaseComment._meta.local_concrete_fields if not f.primary_key]
        xtd_fields = XtdComment._meta.local_concrete_fields
        reader_fields = ReaderComment._meta.local_concrete_fields
        for start in range(0, len(rows), COMMENT_CHUNK):
            chunk = rows[start : start + COMMENT_CHUNK]
            bases = [BaseComment(**{f.attname: getattr(r, f.attname) for f in base_fields}) for _, r in chunk]
            BaseComment.objects.bulk_create(bases)
            for base, (comment, row) in zip(bases, chunk, strict=True):
                row.pk = row.id = row.comment_ptr_id = row.xtdcomment_ptr_id = base.pk
                self.ids[Kind.COMMENT][comment.wp_id] = row.pk
        new_by_pk = {row.pk: row for _, row in rows}
        if threads:
            self._thread(threads, max_level=max_level, new=new_by_pk)
        for start in range(0, len(rows), COMMENT_CHUNK):
            chunk = rows[start : start + COMMENT_CHUNK]
            XtdComment._base_manager._insert([r for _, r in chunk], fields=xtd_fields, raw=True)
            ReaderComment._base_manager._insert([r for _, r in chunk], fields=reader_fields, raw=True)
            CommentEvent.objects.bulk_create(
                [
                    CommentEvent(
                        comment_id=row.pk,
                        kind=EventKind.STATUS_CHANGED,
                        to_status=row.status,
                        note=IMPORTED_NOTE,
                        created_at=now,
                    )
                    for _, row in chunk
                ]
            )
            ImportedObject.objects.bulk_create(
                [
                    ImportedObject(
                        source=self.source,
                        kind=Kind.COMMENT,
                        wp_id=comment.wp_id,
                        object_id=row.pk,
                        checksum=_checksum(comment.content, comment.approved, comment.author, comment.author_email),
                    )
                    for comment, row in chunk
                ]
            )
        self.stats.add("comment", "created", len(rows))

    def _update_comments(self, to_update: dict[int, tuple[wxr.Comment, str]]) -> None:
        now = timezone.now()
        for comment_obj in ReaderComment.objects.filter(pk__in=list(to_update)):
            wp_comment, checksum = to_update[comment_obj.pk]
            status = COMMENT_STATES[wp_comment.approved]
            previous = comment_obj.status
            comment_obj.comment = _comment_text(wp_comment.content)
            comment_obj.user_name = wp_comment.author[:50]
            comment_obj.user_email = wp_comment.author_email[:254]
            if previous != status:
                comment_obj.status = status
                comment_obj.status_changed_at = now
            comment_obj.sync_derived_fields()
            ReaderComment.objects.filter(pk=comment_obj.pk).update(
                comment=comment_obj.comment,
                text_html=comment_obj.text_html,
                text_html_version=comment_obj.text_html_version,
                user_name=comment_obj.user_name,
                user_email=comment_obj.user_email,
                status=comment_obj.status,
                status_changed_at=comment_obj.status_changed_at,
                is_public=comment_obj.is_public,
                is_removed=comment_obj.is_removed,
            )
            if previous != status:
                CommentEvent.objects.create(
                    comment=comment_obj,
                    kind=EventKind.STATUS_CHANGED,
                    from_status=previous,
                    to_status=status,
                    note=IMPORTED_NOTE,
                )
            ImportedObject.objects.filter(source=self.source, kind=Kind.COMMENT, wp_id=wp_comment.wp_id).update(
                checksum=checksum
            )
            self.checksums[Kind.COMMENT][wp_comment.wp_id] = checksum
            self.stats.add("comment", "updated")

    def _thread(self, threads, *, max_level: int, new: dict[int, ReaderComment]) -> None:
        """xtd's thread columns for every comment of each post: thread = the top comment, `order` the
        position in the thread read depth-first, oldest first, `nested_count` the replies below. A reply
        deeper than COMMENTS_XTD_MAX_THREAD_LEVEL hangs from its ancestor at the deepest allowed level."""
        ids = self.ids[Kind.COMMENT]
        wanted: dict[int, tuple[int, int, int, int, int]] = {}
        for _page, comments, _ in threads:
            by_wp = {c.wp_id: c for c in comments}
            children: dict[str, list[wxr.Comment]] = defaultdict(list)
            roots = []
            for c in sorted(comments, key=lambda c: (c.date_gmt, int(c.wp_id) if c.wp_id.isdigit() else 0)):
                if c.parent in by_wp and c.parent != c.wp_id:
                    children[c.parent].append(c)
                else:
                    roots.append(c)

            for root in roots:
                order = 0
                # (comment, its level, the pks of its xtd ancestors from the top comment down)
                stack: list[tuple[wxr.Comment, int, list[int]]] = [(root, 0, [])]
                rows = []
                while stack:
                    node, level, ancestors = stack.pop()
                    pk = ids[node.wp_id]
                    order += 1
                    rows.append((pk, ancestors))
                    if level < max_level:
                        child_level, child_ancestors = level + 1, [*ancestors, pk]
                    else:
                        child_level, child_ancestors = level, ancestors
                    for child in reversed(children.get(node.wp_id, [])):
                        stack.append((child, child_level, child_ancestors))
                nested: Counter = Counter()
                for _pk, ancestors in rows:
                    nested.update(ancestors)
                root_pk = rows[0][0]
                for position, (pk, ancestors) in enumerate(rows, start=1):
                    parent_pk = ancestors[-1] if ancestors else pk
                    wanted[pk] = (root_pk, parent_pk, len(ancestors), position, nested[pk])
        for pk, row in new.items():
            row.thread_id, row.parent_id, row.level, row.order, row.nested_count = wanted[pk]
        existing = [pk for pk in wanted if pk not in new]
        if not existing:
            return
        current = {
            pk: (t, p, lvl, o, n)
            for pk, t, p, lvl, o, n in XtdComment.objects.filter(pk__in=existing).values_list(
                "pk", "thread_id", "parent_id", "level", "order", "nested_count"
            )
        }
        changed = []
        for pk in existing:
            values = wanted[pk]
            if current.get(pk) != values:
                row = XtdComment(comment_ptr_id=pk)
                row.thread_id, row.parent_id, row.level, row.order, row.nested_count = values
                changed.append(row)
        XtdComment._base_manager.bulk_update(
            changed, ["thread_id", "parent_id", "level", "order", "nested_count"], batch_size=COMMENT_CHUNK
        )

    # --- The end ---

    def _reindex(self) -> None:
        """The search index and Wagtail's reference index, once, for what was imported. Every search backend:
        the database's index (the readers' search reads it) and OpenSearch's when one is configured."""
        backends = list(get_search_backends(with_auto_update=True))
        Image = get_image_model()
        for model, ids in (
            (ArticlePage, self.imported_pages),
            (Image, self.imported_images),
            (Author, self.imported_authors),
        ):
            for start in range(0, len(ids), 500):
                objects = model.objects.filter(pk__in=ids[start : start + 500])
                if model is ArticlePage:
                    objects = objects.prefetch_related("tags")
                objects = list(objects)
                if objects:
                    for backend in backends:
                        backend.add_bulk(model, objects)
                    for obj in objects:
                        # Wagtail's own deferred path (one task per saved object), for the worker.
                        update_reference_index_task.enqueue(model._meta.app_label, model._meta.model_name, str(obj.pk))
        content_generation_bump()


class ImportError_(Exception):  # noqa: N801 - not the builtin ImportError
    """The site is not ready to take an import (no Arabic home page)."""


def _looks_like_image(path: Path) -> bool:
    return path.suffix.lower() in {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff", ".svg"}


def write_report(stats: Stats, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("kind\twordpress_id\toutcome\treason\n")
        for line in stats.lines:
            handle.write(line + "\n")
