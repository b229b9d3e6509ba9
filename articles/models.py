"""The page tree readers read: Home → Section → Article, with authors and tags.

Pages use Wagtail's own i18n (one tree per language: Arabic at `/`, English at `/en/`). The data both
editions share (authors, tags, site settings, the navigation menu) is one row each, translated in place
by django-modeltranslation (see translation.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from . import selectors
from .blocks import ArticleBodyBlock
from .generation import content_generation, generation_cached
from .text import normalise_arabic, stem_text


@register_snippet
class Author(index.Indexed, models.Model):
    """A byline. A desk (the editorial team, a bureau) is an author too, because readers see it in
    the same place and editors pick it the same way; `is_desk` only changes how it is presented."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    is_desk = models.BooleanField(
        _("desk"), default=False, help_text=_("A collective byline such as the editorial team.")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    twitter_handle = models.CharField(_("X (Twitter) handle"), max_length=50, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("job_title"),
        FieldPanel("is_desk"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("twitter_handle"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class Tag(TagBase):
    """Our own tag model, because taggit's is not ours to translate (name_ar / name_en)."""

    free_tagging = True

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")


class ArticleTag(ItemBase):
    tag = models.ForeignKey(Tag, related_name="tagged_articles", on_delete=models.CASCADE)
    content_object = ParentalKey("articles.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE)

    class Meta:
        # A tag's newest articles straight from the index (related articles, tag pages).
        indexes = [models.Index(fields=["tag", "-content_object"], name="articles_tag_newest")]


def restricted_paths() -> frozenset[str]:
    """The tree paths under which some view restriction applies: each restricted page (not an alias) and
    each alias of a restricted page. Few in a newsroom (often none), so the set is cached per content
    generation, which a restriction's change, a publish, a move or a new alias starts anew (signals)."""

    def compute() -> frozenset[str]:
        restricted = PageViewRestriction.objects.values_list("page_id", "page__path", "page__alias_of_id")
        paths = {path for _, path, alias_of in restricted if alias_of is None}
        ids = [page_id for page_id, _, _ in restricted]
        paths.update(Page.objects.filter(alias_of_id__in=ids).values_list("path", flat=True))
        return frozenset(paths)

    return generation_cached("restricted-paths", compute=compute)


class OneQueryViewRestrictions:
    """Wagtail checks a page's view restrictions (password, login, groups) on every view: its own method
    reads the page's ancestors first, then their restrictions. A page's ancestors are the prefixes of its
    path, so one query does: restrictions on those pages, or on the page an ancestor is an alias of
    (an alias has its source's restrictions, as in Wagtail). None at all when no ancestor is among the
    restricted paths (cached per generation: the usual case of a public page costs no query)."""

    def get_view_restrictions(self):
        paths = [self.path[: depth * self.steplen] for depth in range(1, self.depth + 1)]
        if settings.NEWSROOM["PAGE_CACHE_SECONDS"] and not restricted_paths().intersection(paths):
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(
            models.Q(page__path__in=paths, page__alias_of__isnull=True) | models.Q(page__aliases__path__in=paths)
        ).distinct()


class HomePage(OneQueryViewRestrictions, RoutablePageMixin, Page):
    """An edition's front page (one per language). Also routes the author and tag pages, which are
    listings rather than content an editor writes."""

    tagline = models.CharField(_("tagline"), max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("tagline")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["articles.SectionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    @path("")
    def index_route(self, request, *args, **kwargs):
        """The front page itself; the author and tag routes below need none of its listings."""
        # Read only when the template needs them: its stories are one fragment cached per content
        # generation (templates/articles/home_stories.html), so a warm front page runs none of these queries.
        front = SimpleLazyObject(lambda: selectors.front_page(home=self))
        overrides = {
            name: SimpleLazyObject(lambda name=name: front[name]) for name in ("lead", "latest", "section_blocks")
        }
        return self.render(request, context_overrides=overrides)

    @path("authors/<str:slug>/", name="author")
    def author_view(self, request, slug):
        author = get_object_or_404(Author, slug=slug)
        articles = selectors.articles_by_author(author=author, locale=self.locale)
        return self.render(
            request,
            context_overrides={
                "author": author,
                "articles": paginate(request, articles, count_key=f"author:{author.pk}:{self.locale_id}"),
            },
            template="articles/author_page.html",
        )

    @path("tags/<str:slug>/", name="tag")
    def tag_view(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        articles = selectors.articles_by_tag(tag=tag, locale=self.locale)
        return self.render(
            request,
            context_overrides={
                "tag": tag,
                "articles": paginate(request, articles, count_key=f"tag:{tag.pk}:{self.locale_id}"),
            },
            template="articles/tag_page.html",
        )


class SectionPage(OneQueryViewRestrictions, Page):
    """A desk's section (أخبار, تقارير, رأي…): its live articles, newest first, with a lead story."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["articles.HomePage"]
    subpage_types = ["articles.ArticlePage"]

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = selectors.section_articles(section=self)
        # The page's cards are read only if the template does not find them cached (listing_cache).
        context["articles"] = paginate(request, articles, count_key=f"section:{self.pk}")
        return context


class ArticleAuthor(Orderable):
    """Byline order matters (the first name is the lead reporter), hence an orderable link."""

    page = ParentalKey("articles.ArticlePage", related_name="article_authors", on_delete=models.CASCADE)
    author = models.ForeignKey(Author, related_name="article_links", on_delete=models.PROTECT, verbose_name=_("author"))

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        unique_together = [("page", "author")]
        # An author's articles straight from the index (author pages).
        indexes = [models.Index(fields=["author", "-page"], name="articles_author_newest")]


class ArticleRelatedPick(Orderable):
    """An editor's choice of related article; the selector tops the list up automatically."""

    page = ParentalKey("articles.ArticlePage", related_name="related_picks", on_delete=models.CASCADE)
    article = models.ForeignKey(
        "articles.ArticlePage", related_name="+", on_delete=models.CASCADE, verbose_name=_("article")
    )

    panels = [PageChooserPanel("article", page_type="articles.ArticlePage")]


class ArticlePage(OneQueryViewRestrictions, Page):
    """A news story. The headline is the page title; `summary` is the dek shown on cards, in feeds
    and as the meta description, so it is required and short."""

    kicker = models.CharField(
        _("kicker"), max_length=60, blank=True, help_text=_("A short label above the headline, such as 'Exclusive'.")
    )
    summary = models.TextField(
        _("summary"), max_length=300, help_text=_("One or two sentences for cards, feeds and search engines.")
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=300, blank=True)
    lead_image_credit = models.CharField(_("lead image credit"), max_length=120, blank=True)
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    updated_at = models.DateTimeField(
        _("updated at"),
        null=True,
        blank=True,
        help_text=_("Set when the story changed in substance; readers see 'Updated' with this time."),
    )
    is_breaking = models.BooleanField(_("breaking news"), default=False)
    breaking_until = models.DateTimeField(
        _("breaking until"), null=True, blank=True, help_text=_("The breaking-news strip drops the story after this.")
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    is_featured = models.BooleanField(
        _("featured on the front page"),
        default=False,
        help_text=_("Featured stories lead the front page, newest first, before the latest stories."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("kicker"),
        FieldPanel("summary"),
        InlinePanel("article_authors", label=_("Authors"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldRowPanel([FieldPanel("lead_image_caption"), FieldPanel("lead_image_credit")]),
            ],
            heading=_("Lead image"),
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel(
            "related_picks",
            label=_("Related articles"),
            max_num=settings.NEWSROOM["RELATED_ARTICLES_COUNT"],
            help_text=_("Fewer than the maximum are topped up with articles sharing tags, then the section."),
        ),
    ]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel(
            [
                FieldPanel("is_featured"),
                FieldPanel("is_breaking"),
                FieldPanel("breaking_until"),
                FieldPanel("updated_at"),
            ],
            heading=_("News status"),
        ),
        # The comments app swaps this for its panel with the article's comment counts (CommentsConfig.ready).
        FieldPanel("comments_open", heading=_("Comments")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("search_title", boost=3),
        index.SearchField("search_summary", boost=2),
        index.SearchField("search_body"),
        index.SearchField("search_tags"),
        index.AutocompleteField("search_title"),
        index.FilterField("first_published_at"),
        index.FilterField("path"),
        index.FilterField("locale_id"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["articles.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # The breaking strip: the few breaking stories straight from a small index, not a walk through
        # the archive newest first until three turn up.
        indexes = [
            models.Index(fields=["is_breaking"], condition=models.Q(is_breaking=True), name="articles_breaking"),
        ]

    def clean(self):
        super().clean()
        if self.is_breaking and self.breaking_until and self.breaking_until <= timezone.now():
            raise ValidationError({"breaking_until": _("The breaking-news expiry must be in the future.")})

    # --- What readers see ---

    @cached_property
    def section(self) -> SectionPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @property
    def authors(self) -> list[Author]:
        return [link.author for link in self.article_authors.select_related("author")]

    @property
    def is_breaking_now(self) -> bool:
        return self.is_breaking and (self.breaking_until is None or self.breaking_until > timezone.now())

    @property
    def body_text(self) -> str:
        """The body as plain text: reading time, search and Akismet's context use it.

        Read from the blocks' stored values, not the blocks themselves: turning an image block into one
        loads its image, a query per story for a page of search results that shows no image."""
        parts = []
        for block in self.body.raw_data:
            kind, value = block.get("type"), block.get("value")
            if kind == "paragraph" and isinstance(value, str):
                parts.append(strip_tags(value))
            elif kind in ("heading", "quote") and isinstance(value, dict):
                parts.append(value.get("text") or "")
            elif kind == "image" and isinstance(value, dict) and value.get("caption"):
                parts.append(value["caption"])
        return "\n".join(parts)

    @property
    def reading_minutes(self) -> int:
        words = len(self.body_text.split())
        return max(1, round(words / settings.NEWSROOM["READING_WORDS_PER_MINUTE"]))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the template needs them: the cached story (templates/articles/article_main.html)
        # holds them rendered, so a warm page runs none of their queries.
        context["related_articles"] = SimpleLazyObject(lambda: selectors.related_articles(article=self))
        return context

    # --- Search: normalised and stemmed, the same at index and query time (see text.py) ---

    def search_title(self) -> str:
        return stem_text(normalise_arabic(self.title))

    def search_summary(self) -> str:
        return stem_text(normalise_arabic(f"{self.kicker} {self.summary}"))

    def search_body(self) -> str:
        return stem_text(normalise_arabic(self.body_text))

    def search_tags(self) -> str:
        return stem_text(normalise_arabic(" ".join(tag.name for tag in self.tags.all())))


class SearchDocument(models.Model):
    """An article's search text beside the few page columns search filters and orders by, one narrow
    row per article: reader search on PostgreSQL starts here (articles/search.py).

    Wagtail's search index keeps the tsvector in a wide row keyed by content type and object id, with no
    date: choosing a common word's newest matches read each match's index row and then its page row for
    the date (about 6 µs a match, 170 ms for 22,661 matches at 200,000 articles). Here the GIN index finds
    the matches and the edition, state, section and date are in the same small row (the tsvector itself
    is stored out of line), so choosing the newest candidates reads only these rows.

    The rows are kept by PostgreSQL triggers (migration articles 0010), not by Python: a row follows its
    article's entry in Wagtail's index (written, rewritten or removed, whether by publishing, by
    `update_index` or by a bulk load) and its page's live, expired, locale, date and path. The search
    text is the index's own, so this adds no second analysis. On SQLite the table exists and stays
    empty: search there starts from FTS5."""

    page_id = models.IntegerField(primary_key=True)
    locale_id = models.IntegerField()
    live = models.BooleanField()
    expired = models.BooleanField()
    first_published_at = models.DateTimeField(null=True)
    path = models.CharField(max_length=255)
    body = SearchVectorField()
    # What ranking reads: the lexemes of the headline, the kicker and the standfirst (the body's weights
    # above D, filtered from it by the trigger). A few hundred bytes kept in the row, where the body's
    # tsvector is out of line: ranking a thousand candidates on their bodies read a thousand out-of-line
    # values (10 ms at 200,000 articles).
    headline = SearchVectorField(db_default="")

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            # The edition's newest documents: where the recent window of a search starts (articles/search.py).
            models.Index(
                fields=["locale_id", "-first_published_at"],
                name="articles_searchdoc_recent",
                condition=models.Q(live=True, expired=False),
            )
        ]

    def __str__(self) -> str:
        return str(self.page_id)


class ArticleDailyViews(models.Model):
    """How often an article was read on one day (the newsroom's time zone), for the "most read" list.

    Counted without cookies or IP addresses: a reader's browser sends one beacon per article view
    (static/js/article.js), and only the day's total is kept. One row per article and day, so the
    list is a sum over a few days of rows, read through the (day, article, views) index."""

    article = models.ForeignKey(
        ArticlePage, verbose_name=_("article"), on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("daily article views")
        verbose_name_plural = _("daily article views")
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="articles_views_one_row_per_day")]
        indexes = [models.Index(fields=["day", "article", "views"], name="articles_views_recent")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.views}"


class ListingPaginator(Paginator):
    """A listing's paginator whose article count is counted once per content generation (see
    generation.content_generation: every publish, unpublish or move starts a new one) instead of on every
    view: a section of 40,000 stories would otherwise be counted on each of its pages' views."""

    def __init__(self, object_list, per_page, *, count_key: str | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if not self.count_key:
            return super().count

        key = f"newsroom:listing-count:{self.count_key}:{content_generation()}"
        value = cache.get(key)
        if value is None:
            value = super().count
            cache.set(key, value, timeout=settings.NEWSROOM["PAGE_CACHE_SECONDS"] or 300)
        return value


def paginate(request, items, per_page: int | None = None, *, count_key: str | None = None):
    """A page of `items` for `?page=N`; out-of-range or junk page numbers answer 404, not a crash.

    `count_key` names the listing (its count is then cached, see ListingPaginator). The page carries
    `elided_range`: the page numbers around this one and at both ends, so a listing of thousands of
    pages links a dozen of them, not all."""
    paginator = ListingPaginator(items, per_page or settings.NEWSROOM["SECTION_PAGE_SIZE"], count_key=count_key)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404(_("No such page of results.")) from exc
    page.elided_range = list(paginator.get_elided_page_range(page.number))
    return page


@register_setting(icon="site")
class NewsroomSettings(BaseSiteSetting):
    """What an outlet sets once: its name and voice, social accounts, and how dates look."""

    DIGITS_WESTERN = "latn"
    DIGITS_ARABIC_INDIC = "arab"

    site_name = models.CharField(_("site name"), max_length=100, default="غرفة الأخبار")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    digits = models.CharField(
        _("digits"),
        max_length=4,
        choices=[(DIGITS_WESTERN, _("Western (0123)")), (DIGITS_ARABIC_INDIC, _("Arabic-Indic (٠١٢٣)"))],
        default=DIGITS_WESTERN,
        help_text=_("How numbers and dates are shown on the Arabic edition."),
    )
    show_hijri_date = models.BooleanField(_("show the Hijri date"), default=False)
    x_handle = models.CharField(_("X (Twitter) account"), max_length=50, blank=True)
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    telegram_url = models.URLField(_("Telegram channel"), blank=True)
    whatsapp_url = models.URLField(_("WhatsApp channel"), blank=True)
    youtube_url = models.URLField(_("YouTube channel"), blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("logo"), FieldPanel("footer_text")],
            heading=_("Identity"),
        ),
        MultiFieldPanel([FieldPanel("digits"), FieldPanel("show_hijri_date")], heading=_("Dates and numbers")),
        MultiFieldPanel(
            [
                FieldPanel("x_handle"),
                FieldPanel("facebook_url"),
                FieldPanel("telegram_url"),
                FieldPanel("whatsapp_url"),
                FieldPanel("youtube_url"),
            ],
            heading=_("Social accounts"),
        ),
    ]

    class Meta:
        verbose_name = _("newsroom settings")


@register_setting(icon="list-ul")
class NavigationSettings(ClusterableModel, BaseSiteSetting):
    """The header menu. Empty means "every section of the edition, in tree order"."""

    panels = [InlinePanel("links", label=_("Menu links"))]

    class Meta:
        verbose_name = _("navigation menu")


class NavigationLink(Orderable):
    settings = ParentalKey(NavigationSettings, related_name="links", on_delete=models.CASCADE)
    label = models.CharField(_("label"), max_length=60)
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(_("external URL"), blank=True)

    panels = [FieldPanel("label"), PageChooserPanel("page"), FieldPanel("url")]

    def clean(self):
        if bool(self.page) == bool(self.url):
            raise ValidationError(_("Choose a page or enter a URL, not both."))
