"""`manage.py load_demo`: the demo newsroom (المرصد), in Arabic with an English edition.

Idempotent by construction: every helper below looks its object up by a stable key (a locale's code,
a page's slug under its parent, an image's title in the Demo collection, an author's or tag's slug)
and creates it only when it is missing. Nothing that exists is edited, so a second run publishes no
revision, draws no image and leaves whatever an editor has changed since alone. The content itself is
in demo/content.py, the drawings in demo/images.py.

Pages are published through Wagtail's revision API (`save_revision().publish()`), so the demo has
real revisions, live URLs and a search index, exactly as if an editor had written it.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site as DjangoSite
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import post_save
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.html import escape
from modelsearch import index as search_index
from modelsearch.signal_handlers import post_save_signal_handler as search_index_on_save
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Revision, Site
from wagtail.models.reference_index import ReferenceIndex
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from articles.models import (
    ArticleAuthor,
    ArticleDailyViews,
    ArticlePage,
    ArticleRelatedPick,
    Author,
    HomePage,
    NewsroomSettings,
    SectionPage,
    Tag,
)
from demo import content
from demo.images import HEIGHT, WIDTH, render_jpeg

WELCOME_TITLE = "Welcome to your new Wagtail site!"
DEMO_COLLECTION = "Demo"
# Where a new demo Site points when no --url is given: `make run`'s default address.
DEFAULT_ADDRESS = ("127.0.0.1", 8000)
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Tally:
    """What a run created and what it found already there, per kind of object, for the summary."""

    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    new_objects: list = field(default_factory=list)

    def count(self, kind: str, created: bool, obj=None) -> None:
        (self.created if created else self.present)[kind] += 1
        if created and obj is not None:
            self.new_objects.append(obj)


@contextlib.contextmanager
def search_index_updates_deferred():
    """Wagtail indexes a page for search on every save, and publishing one saves it three or four times;
    the command indexes each new object once, at the end, instead (a third of its time otherwise)."""
    models = [model for model in search_index.get_indexed_models() if getattr(model, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(search_index_on_save, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(search_index_on_save, sender=model)


# --- Helpers (each: look up by a stable key, create only when missing) ------------------------------


def ensure_locales(tally: Tally) -> tuple[Locale, Locale]:
    locales = []
    for code in ("ar", "en"):
        locale, created = Locale.objects.get_or_create(language_code=code)
        tally.count("locales", created)
        locales.append(locale)
    return locales[0], locales[1]


def remove_welcome_page(tally: Tally) -> None:
    """Delete Wagtail's "Welcome to your new Wagtail site!" page: a plain Page at the top of the tree.

    Only that exact page (base Page type, Wagtail's title, no children) is removed, so an editor's
    own top-level page is never touched.
    """
    page_type = ContentType.objects.get_for_model(Page)
    for page in Page.objects.filter(depth=2, content_type=page_type, title=WELCOME_TITLE, numchild=0):
        Site.objects.filter(root_page=page).update(root_page=Page.get_first_root_node())
        page.delete()
        tally.notes.append("removed Wagtail's welcome page")


def publish(page: Page, *, at: datetime.datetime | None = None) -> None:
    """Publish through the revision API, then date the revision and the page's "last published" to
    `at`, so the admin's history and the sitemap look like a newsroom that worked for three weeks."""
    revision = page.save_revision()
    revision.publish()
    if at is not None:
        Revision.objects.filter(pk=revision.pk).update(created_at=at)
        Page.objects.filter(pk=page.pk).update(last_published_at=at, latest_revision_created_at=at)


def ensure_home(root: Page, ar: Locale, tally: Tally) -> HomePage:
    home = HomePage.objects.filter(locale=ar).child_of(root).first()
    if home:
        tally.count("pages", False)
        return home
    home = HomePage(
        title=content.HOME["title_ar"],
        slug=content.HOME["slug"],
        tagline=content.HOME["tagline_ar"],
        locale=ar,
        live=False,
    )
    root.add_child(instance=home)
    publish(home)
    tally.count("pages", True, home)
    return home


def parse_site_url(url: str) -> tuple[str, int]:
    """`http://127.0.0.1:8000` -> ("127.0.0.1", 8000): the host and port a Wagtail Site is matched on."""
    parts = urlsplit(url if "//" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CommandError(f"--url must look like http://127.0.0.1:8000, not {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise CommandError(f"--url has an invalid port: {url!r}")
    return parts.hostname, port


def ensure_site(home: HomePage, tally: Tally, *, address: tuple[str, int] | None) -> Site:
    """Point the default Wagtail Site at our home and, when `address` is given, at that host and port.

    Wagtail builds every absolute URL (canonical, hreflang, feeds, share links, JSON-LD) from the Site's
    hostname and port, so `make run` passes the address it serves on, every run. django.contrib.sites'
    Site, which django-contrib-comments reads, follows the same address."""
    hostname, port = address or DEFAULT_ADDRESS
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname=hostname, port=port, is_default_site=True, root_page=home, site_name=content.SITE["name_ar"]
        )
        tally.count("sites", True)
    else:
        changed = site.root_page_id != home.pk or not site.site_name
        site.root_page = home
        site.site_name = site.site_name or content.SITE["name_ar"]
        if address is not None and (site.hostname, site.port) != address:
            site.hostname, site.port = address
            changed = True
        if changed:
            site.save()
        tally.count("sites", changed)

    domain = f"{hostname}:{port}" if port not in (80, 443) else hostname
    django_site, _ = DjangoSite.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": content.SITE["name_ar"]}
    )
    if django_site.domain == "example.com" or (address is not None and django_site.domain != domain):
        django_site.domain = domain
        django_site.name = content.SITE["name_ar"]
        django_site.save()
    return site


def ensure_settings(site: Site, tally: Tally) -> None:
    """Fill the outlet's identity once. A row an editor has already filled in is left alone."""
    row = NewsroomSettings.for_site(site)
    default_name = NewsroomSettings._meta.get_field("site_name").default
    untouched = row.site_name_ar in ("", None, default_name) and not row.tagline_ar and not row.footer_text_ar
    if not untouched:
        tally.count("settings", False)
        return
    data = content.SITE
    row.site_name_ar, row.site_name_en = data["name_ar"], data["name_en"]
    row.tagline_ar, row.tagline_en = data["tagline_ar"], data["tagline_en"]
    row.footer_text_ar, row.footer_text_en = data["footer_ar"], data["footer_en"]
    for key in ("x_handle", "facebook_url", "telegram_url", "whatsapp_url", "youtube_url"):
        setattr(row, key, data[key])
    row.save()
    tally.count("settings", True)


def ensure_sections(home: HomePage, tally: Tally) -> dict[str, SectionPage]:
    sections = {}
    for data in content.SECTIONS:
        section = SectionPage.objects.child_of(home).filter(slug=data["slug"]).first()
        if section is None:
            section = SectionPage(title=data["title_ar"], slug=data["slug"], intro=data["intro_ar"], live=False)
            home.add_child(instance=section)
            publish(section)
            tally.count("pages", True, section)
        else:
            tally.count("pages", False)
        sections[data["slug"]] = section.specific
    return sections


def ensure_collection(tally: Tally) -> Collection:
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=DEMO_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=DEMO_COLLECTION)
        tally.count("collections", True)
    else:
        tally.count("collections", False)
    return collection


def ensure_image(
    title: str, *, seed: str, colour: str, description: str, collection: Collection, size: tuple[int, int], tally: Tally
):
    """A drawn image, found by its title in the Demo collection or drawn (deterministically) once."""
    Image = get_image_model()
    image = Image.objects.filter(collection=collection, title=title).first()
    if image:
        tally.count("images", False)
        return image
    data = render_jpeg(seed, colour, size=size)
    image = Image(title=title, collection=collection, description=description[:255])
    image.file = ImageFile(io.BytesIO(data), name=f"demo-{seed}.jpg")
    image.save()
    tally.count("images", True, image)
    return image


def ensure_authors(tally: Tally) -> dict[str, Author]:
    authors = {}
    for data in content.AUTHORS:
        author = Author.objects.filter(slug=data["slug"]).first()
        if author is None:
            author = Author(slug=data["slug"], is_desk=data.get("is_desk", False))
            for name in ("name", "job_title", "bio"):
                setattr(author, f"{name}_ar", data[f"{name}_ar"])
                setattr(author, f"{name}_en", data[f"{name}_en"])
            author.twitter_handle = data.get("twitter_handle", "")
            author.save()
            tally.count("authors", True, author)
        else:
            tally.count("authors", False)
        authors[data["slug"]] = author
    return authors


def ensure_tags(tally: Tally) -> dict[str, Tag]:
    tags = {}
    for data in content.TAGS:
        tag = Tag.objects.filter(slug=data["slug"]).first()
        if tag is None:
            tag = Tag(slug=data["slug"], name_ar=data["name_ar"], name_en=data["name_en"])
            tag.name = data["name_ar"]
            tag.save()
            tally.count("tags", True, tag)
        else:
            tally.count("tags", False)
        tags[data["slug"]] = tag
    return tags


def build_body(blocks, *, images: dict) -> list:
    """Turn the compact body notation of demo.content into StreamField data.

    A string is a paragraph; ("h2"|"h3", text) a heading; ("quote", text, attribution) a quotation;
    ("image", caption, credit) the article's second drawing with its caption and credit.
    """
    body = []
    for block in blocks:
        if isinstance(block, str):
            html = block if block.startswith("<") else f"<p>{escape(block)}</p>"
            body.append(("paragraph", RichText(html)))
        elif block[0] in ("h2", "h3"):
            body.append(("heading", {"text": block[1], "level": block[0]}))
        elif block[0] == "quote":
            body.append(("quote", {"text": block[1], "attribution": block[2]}))
        elif block[0] == "image":
            body.append(("image", {"image": images["body"], "caption": block[1], "credit": block[2]}))
        else:
            raise ValueError(f"Unknown demo body block: {block!r}")
    return body


def article_images(data: dict, colour: str, collection: Collection, size: tuple[int, int], tally: Tally) -> dict:
    images = {
        "lead": ensure_image(
            f"Demo: {data['slug']}",
            seed=data["slug"],
            colour=colour,
            description=data["caption"],
            collection=collection,
            size=size,
            tally=tally,
        )
    }
    body_images = [b for b in data["body"] if not isinstance(b, str) and b[0] == "image"]
    if body_images:
        images["body"] = ensure_image(
            f"Demo: {data['slug']} (2)",
            seed=f"{data['slug']}-2",
            colour=colour,
            description=body_images[0][1],
            collection=collection,
            size=size,
            tally=tally,
        )
    return images


def ensure_article(
    data: dict,
    *,
    section: SectionPage,
    colour: str,
    authors: dict[str, Author],
    tags: dict[str, Tag],
    collection: Collection,
    image_size: tuple[int, int],
    now: datetime.datetime,
    tally: Tally,
) -> ArticlePage:
    article = ArticlePage.objects.child_of(section).filter(slug=data["slug"]).first()
    if article is not None:
        # Found: left exactly as it is (an editor may have changed it), images included.
        tally.count("articles", False)
        return article

    images = article_images(data, colour, collection, image_size, tally)
    published_at = now - datetime.timedelta(hours=data["hours_ago"])
    updated_at = published_at + datetime.timedelta(hours=data["updated_after"]) if data.get("updated_after") else None
    article = ArticlePage(
        title=data["title"],
        slug=data["slug"],
        kicker=data.get("kicker", ""),
        summary=data["summary"],
        lead_image=images["lead"],
        lead_image_caption=data["caption"],
        lead_image_credit=data["credit"],
        body=build_body(data["body"], images=images),
        first_published_at=published_at,
        updated_at=updated_at,
        is_breaking=data.get("breaking", False),
        # Relative to this (first) run; a second run finds the article and leaves the time alone.
        breaking_until=now + datetime.timedelta(hours=data["breaking_hours"]) if data.get("breaking") else None,
        comments_open=data.get("comments_open", True),
        live=False,
    )
    article.article_authors = [
        ArticleAuthor(author=authors[slug], sort_order=order) for order, slug in enumerate(data["authors"])
    ]
    article.related_picks = [
        ArticleRelatedPick(article=ArticlePage.objects.get(slug=slug, locale=section.locale), sort_order=order)
        for order, slug in enumerate(data.get("related", []))
    ]
    section.add_child(instance=article)
    article.tags.set([tags[slug] for slug in data["tags"]])
    publish(article, at=updated_at or published_at)
    tally.count("articles", True, article)
    return article


def ensure_view_counts(articles: list[ArticlePage], *, today: datetime.date, tally: Tally) -> None:
    """Today's and yesterday's view counts for a few stories, so the front page's "most read" column is
    there from the first `make run` (on a real site the readers' browsers send them)."""
    rows = [
        ArticleDailyViews(article=article, day=today - datetime.timedelta(days=days_ago), views=views)
        for rank, article in enumerate(articles[:6])
        for days_ago, views in ((0, 900 - rank * 130), (1, 400 - rank * 50))
    ]
    recent = ArticleDailyViews.objects.filter(article__in=articles[:6], day__gte=today - datetime.timedelta(days=1))
    existing = set(recent.values_list("article_id", "day"))
    missing = [row for row in rows if (row.article_id, row.day) not in existing]
    ArticleDailyViews.objects.bulk_create(missing, ignore_conflicts=True)
    for row in rows:
        tally.count("view counts", created=row in missing)


def ensure_translation(page: Page, locale: Locale, fields: dict, *, at=None, tally: Tally, kind: str) -> Page:
    """The page's translation into `locale`: found by translation key, or copied with
    `copy_for_translation` (which links the two), given its translated fields, and published."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        tally.count(kind, False)
        return existing.specific
    translation = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    if at is not None:
        translation.first_published_at = at
    translation.save()
    publish(translation, at=at)
    tally.count(kind, True, translation)
    return translation


def translate_article(article: ArticlePage, data: dict, en: Locale, tally: Tally) -> ArticlePage | None:
    english = data.get("en")
    if not english:
        return None
    fields = {
        "title": english["title"],
        "summary": english["summary"],
        "kicker": english.get("kicker", ""),
        "lead_image_caption": english["caption"],
        "lead_image_credit": english.get("credit")
        or content.CREDITS_EN.get(article.lead_image_credit, article.lead_image_credit),
    }
    body_image = next((b.value["image"] for b in article.body if b.block_type == "image"), None)
    fields["body"] = build_body(english["body"], images={"body": body_image})
    # The copy would point its related picks at the Arabic articles; point them at their English
    # translations instead (where those exist), so the English edition links within itself.
    fields["related_picks"] = [
        ArticleRelatedPick(article=target.specific, sort_order=order)
        for order, pick in enumerate(article.related_picks.all())
        if (target := pick.article.get_translation_or_none(en)) is not None
    ]
    at = article.first_published_at + datetime.timedelta(hours=english.get("delay_hours", 2))
    return ensure_translation(article, en, fields, at=at, tally=tally, kind="english articles")


# --- The command ----------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load the demo newsroom (Arabic with an English edition). Safe to run again: it only adds what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--image-size",
            default=f"{WIDTH}x{HEIGHT}",
            help="Size of the drawn images, WIDTHxHEIGHT (default %(default)s). Every rendition is made from "
            "it, so a small drawing keeps loading and first page views fast.",
        )
        parser.add_argument(
            "--url",
            default=None,
            help="The address the site is served on (http://HOST:PORT). The default Site's hostname and port "
            "follow it, so absolute URLs (canonical, feeds, share links) lead back to this server. "
            "Without it, a new Site gets 127.0.0.1:8000 and an existing one is left as it is.",
        )

    def handle(self, *args, image_size, url, **options):
        try:
            size = tuple(int(n) for n in image_size.lower().split("x"))
            if len(size) != 2 or min(size) < 16:
                raise ValueError
        except ValueError:
            raise CommandError(f"--image-size must look like 960x540, not {image_size!r}")
        address = parse_site_url(url) if url else None
        started = timezone.now()
        tally = Tally()
        # Background work that publishing triggers (search indexing, the reference index, cache purges)
        # runs here and now rather than queueing several hundred jobs for the worker: the demo is
        # searchable as soon as the command returns. Wagtail's per-page log lines are silenced; the
        # summary below says what happened.
        loggers = [logging.getLogger(name) for name in ("wagtail", "django_tasks")]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.WARNING)
        try:
            # The transaction is outermost on purpose: what publishing defers to the commit (making each
            # article's image renditions) is queued after the override has ended, so it goes to the
            # configured task backend. Under `make run` the worker makes the renditions while the site
            # already answers, instead of this command spending most of its time in Pillow.
            with transaction.atomic(), override_settings(TASKS=IMMEDIATE_TASKS):
                # Wagtail refreshes an object's reference index (what uses which image or page) on
                # every save; a page is saved three or four times while loading, so do it once at the end.
                with disable_reference_index_auto_update(), search_index_updates_deferred():
                    self.load(tally, now=started, image_size=size, address=address)
                for obj in tally.new_objects:
                    ReferenceIndex.create_or_update_for_object(obj)
                    if isinstance(obj, search_index.Indexed):
                        search_index.insert_or_update_object(obj)
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
        elapsed = (timezone.now() - started).total_seconds()
        self.stdout.write(self.summary(tally, elapsed))

    def load(
        self, tally: Tally, *, now: datetime.datetime, image_size: tuple[int, int], address: tuple[str, int] | None
    ) -> None:
        ar, en = ensure_locales(tally)
        remove_welcome_page(tally)
        root = Page.get_first_root_node()
        home = ensure_home(root, ar, tally)
        site = ensure_site(home, tally, address=address)
        ensure_settings(site, tally)
        sections = ensure_sections(home, tally)
        collection = ensure_collection(tally)
        authors = ensure_authors(tally)
        tags = ensure_tags(tally)
        colours = {s["slug"]: s["colour"] for s in content.SECTIONS}

        articles = {}
        for data in content.ARTICLES:
            articles[data["slug"]] = ensure_article(
                data,
                section=sections[data["section"]],
                colour=colours[data["section"]],
                authors=authors,
                tags=tags,
                collection=collection,
                image_size=image_size,
                now=now,
                tally=tally,
            )

        # The English edition: home, sections, then the articles that have an English version.
        ensure_translation(
            home,
            en,
            {"title": content.HOME["title_en"], "tagline": content.HOME["tagline_en"], "slug": content.HOME["slug_en"]},
            tally=tally,
            kind="pages",
        )
        by_slug = {s["slug"]: s for s in content.SECTIONS}
        for slug, section in sections.items():
            data = by_slug[slug]
            ensure_translation(
                section, en, {"title": data["title_en"], "intro": data["intro_en"]}, tally=tally, kind="pages"
            )
        translated = [translate_article(articles[data["slug"]], data, en, tally) for data in content.ARTICLES]
        # Most read: a mix of sections in each edition, not simply the newest stories.
        today = timezone.localdate(now)
        ensure_view_counts(list(articles.values())[3::4], today=today, tally=tally)
        ensure_view_counts([page for page in translated if page is not None][1:], today=today, tally=tally)

    def summary(self, tally: Tally, elapsed: float) -> str:
        kinds = sorted(set(tally.created) | set(tally.present))
        lines = ["Demo content (المرصد):"]
        for kind in kinds:
            lines.append(f"  {kind:<18} {tally.created[kind]:>3} created, {tally.present[kind]:>3} already present")
        lines.extend(f"  ({note})" for note in tally.notes)
        if not tally.created:
            lines.append("  nothing to do: the demo was already loaded")
        lines.append(f"  done in {elapsed:.1f} s")
        return "\n".join(lines)
