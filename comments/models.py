"""Reader comments: django-comments-xtd's threaded comment, extended with a real moderation status.

`is_public` / `is_removed` (django-contrib-comments' two booleans) cannot say *why* a comment is hidden:
held for a moderator, waiting for Akismet, spam, discarded or trashed. `ReaderComment.status` says so,
and `save()` keeps the two booleans derived from it, so django-comments-xtd's own queries stay right.

The comment extends `XtdComment` by multi-table inheritance (the way xtd documents custom models), so
the columns the moderation queue filters on (status, submission time, article, site) are copied onto
this table, where they can share an index.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from articles.models import ArticlePage
from articles.text import strip_bidi_controls

from . import rendering
from .words import parse_terms


class Status(models.TextChoices):
    PUBLISHED = "published", _("Published")
    # Akismet said ham, but the site's policy (first-time commenter, many links, hold-all) wants a person.
    HELD = "held", _("Held for moderation")
    # Akismet could not be asked (down, slow, 429, garbage, bad key): rechecked automatically.
    UNCHECKED = "unchecked", _("Not yet checked")
    SPAM = "spam", _("Spam")
    # Akismet's "blatant spam": not queued for moderators, deleted after a short grace period.
    DISCARDED = "discarded", _("Discarded")
    TRASH = "trash", _("Trash")


class Verdict(models.TextChoices):
    NONE = "", _("Not asked")
    HAM = "ham", _("Ham")
    SPAM = "spam", _("Spam")
    DISCARD = "discard", _("Blatant spam")
    ERROR = "error", _("Error")


class Reason(models.TextChoices):
    """Why a comment is not published: kept on the comment (`hold_reasons`) and on the history line that
    set them, so a moderation queue can show and filter them. Codes are stable; labels are translated."""

    AKISMET_SPAM = "akismet_spam", _("Akismet: spam")
    AKISMET_DISCARD = "akismet_discard", _("Akismet: blatant spam")
    AKISMET_UNREACHABLE = "akismet_unreachable", _("Akismet could not be asked")
    FIRST_COMMENT = "first_comment", _("First comment from this commenter")
    TOO_MANY_LINKS = "too_many_links", _("Too many links")
    HOLD_ALL = "hold_all", _("The site holds every comment")
    HONEYPOT = "honeypot", _("Hidden field filled (a bot)")
    REPEAT_POST = "repeat_post", _("Repeat post")
    REPORTED = "reported", _("Reported by readers")
    BANNED_WORD = "banned_word", _("Banned word")
    SUSPECT_WORD = "suspect_word", _("Suspect word")
    PREMODERATED = "premoderated", _("Pre-moderated commenter")
    BANNED_COMMENTER = "banned_commenter", _("Banned commenter")
    # Posted by an IP or e-mail address that was refused for the rate limit shortly before.
    RATE_LIMITED_RETRY = "rate_limited_retry", _("Rate-limited retry")


def reason_labels(codes) -> list[str]:
    """The translated labels of `Reason` codes (an unknown code, from a newer version, as it is)."""
    return [str(Reason(code).label) if code in Reason.values else code for code in codes or ()]


# Reasons decided when the comment was posted, which a later Akismet verdict does not change.
STICKY_REASONS = (
    Reason.HONEYPOT,
    Reason.REPEAT_POST,
    Reason.REPORTED,
    Reason.BANNED_WORD,
    Reason.SUSPECT_WORD,
    Reason.PREMODERATED,
    Reason.BANNED_COMMENTER,
    Reason.RATE_LIMITED_RETRY,
)

# Reasons that make a comment spam whatever Akismet says (and for which Akismet is not asked at all).
SPAM_REASONS = (Reason.HONEYPOT, Reason.BANNED_WORD, Reason.BANNED_COMMENTER)


# Statuses that are not shown and were decided to be spam (by Akismet or a person).
SPAM_STATUSES = (Status.SPAM, Status.DISCARDED)


class ReaderComment(XtdComment):
    """A reader's comment on an article, with its moderation state and what Akismet was told.

    `akismet_payload` is exactly what comment-check was sent, so that a later submit-spam /
    submit-ham reports the same values (Akismet learns from the comment as it was checked, not as a
    moderator later edited it).
    """

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNCHECKED)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    # Copies of parent-table columns, so the moderation queue's filters are covered by one index.
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    article = models.ForeignKey(
        "articles.ArticlePage",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reader_comments",
    )
    wagtail_site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reader_comments",
    )
    is_staff_reply = models.BooleanField(_("staff reply"), default=False)

    akismet_payload = models.JSONField(_("Akismet payload"), default=dict, blank=True)
    akismet_verdict = models.CharField(
        _("Akismet verdict"), max_length=8, choices=Verdict.choices, default=Verdict.NONE, blank=True
    )
    akismet_checked_at = models.DateTimeField(_("last checked by Akismet"), null=True, blank=True)
    akismet_error = models.CharField(_("last Akismet error"), max_length=300, blank=True)
    recheck_attempts = models.PositiveSmallIntegerField(_("recheck attempts"), default=0)
    next_recheck_at = models.DateTimeField(_("next recheck"), null=True, blank=True)
    # Why the system did not publish it: `Reason` codes, in the order they were found (empty when it was
    # published at once). A moderator's later decision leaves them as they were, for the record. A list in
    # a JSON column, so the same code works on SQLite and PostgreSQL; `selectors.with_reason` filters on it.
    hold_reasons = models.JSONField(_("hold reasons"), default=list, blank=True)
    # Readers' reports not yet looked at by a moderator (CommentReport rows with no `cleared_at`), kept
    # here so the "Reported" queue is one indexed filter and its rows need no extra query.
    open_reports = models.PositiveIntegerField(_("open reports"), default=0)
    # The banned and suspect terms found when it was posted, and where: [{"term", "kind", "start", "end"}]
    # (character offsets in the text as posted), so the queue can show and highlight them.
    word_matches = models.JSONField(_("matched terms"), default=list, blank=True)
    # Set when a moderator or editor features the comment: it is shown first, with a badge, and marked
    # in the article's structured data.
    featured_at = models.DateTimeField(_("featured at"), null=True, blank=True)
    # The text as HTML (comments/rendering.py), made when the comment is saved so that a thread is shown
    # without running urlize on every comment at every view. `text_html_version` is the rendering it was
    # made with: 0 (never rendered: written before the column existed) or an older version is rendered
    # again when shown (`body_html`, `selectors.published_thread`) or by `manage.py comments_render_html`.
    text_html = models.TextField(_("text as HTML"), blank=True, editable=False)
    text_html_version = models.PositiveSmallIntegerField(_("HTML rendering version"), default=0, editable=False)

    class Meta:
        verbose_name = _("reader comment")
        verbose_name_plural = _("reader comments")
        ordering = ["submitted_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="comments_status_submitted"),
            models.Index(fields=["wagtail_site", "status"], name="comments_site_status"),
            models.Index(fields=["article", "status"], name="comments_article_status"),
            models.Index(fields=["status", "next_recheck_at"], name="comments_status_recheck"),
            models.Index(fields=["open_reports", "submitted_at"], name="comments_reported"),
            # A section's "featured comments" list walks the published featured comments, most recently
            # featured first, and stops at the first few on the section's articles. Partial: only the few
            # featured comments are in it, so the planner prefers it to the status indexes.
            models.Index(
                fields=["status", "-featured_at"],
                name="comments_featured",
                condition=models.Q(featured_at__isnull=False),
            ),
        ]
        permissions = [("moderate_readercomment", "Can moderate reader comments")]

    def save(self, *args, **kwargs):
        self.sync_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "comment" in update_fields:
            kwargs["update_fields"] = {*update_fields, "text_html", "text_html_version"}
        super().save(*args, **kwargs)

    def sync_derived_fields(self) -> None:
        """Derive django-comments' booleans from the status, copy the queue's filter columns and render the
        text as HTML (bulk writers, the WordPress import and the archive builder, call this too)."""
        self.render_text()
        self.is_public = self.status == Status.PUBLISHED
        self.is_removed = self.status == Status.TRASH
        if self.submit_date:
            self.submitted_at = self.submit_date
        if (
            self.article_id is None
            and self.object_pk
            and self.content_type_id
            and self.content_type.model_class() is ArticlePage
        ):
            self.article_id = int(self.object_pk)

    def render_text(self) -> None:
        self.text_html = rendering.comment_html(self.comment)
        self.text_html_version = rendering.RENDER_VERSION

    @property
    def needs_render(self) -> bool:
        return self.text_html_version != rendering.RENDER_VERSION

    @property
    def body_html(self) -> SafeString:
        """The stored HTML of the text; rendered now (not stored) when it is missing or out of date."""
        if self.needs_render:
            self.render_text()
        return mark_safe(self.text_html)  # noqa: S308 - made by rendering.comment_html, which escapes

    def get_hold_reasons_display(self) -> list[str]:
        return reason_labels(self.hold_reasons)

    @property
    def reasons_text(self) -> str:
        """The reasons as one line (the listing's CSV/XLSX export)."""
        return "; ".join(self.get_hold_reasons_display())

    def get_absolute_url(self, anchor_pattern: str = "#c%(id)s") -> str:
        """The comment's permalink (host-relative): a redirect to the page of its article's comments that
        shows it, at its anchor (see views.comment_permalink). Never built from django.contrib.sites."""
        return reverse("comments-permalink", args=[self.pk]) + (anchor_pattern % {"id": self.pk})


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    CHECKED = "checked", _("Checked by Akismet")
    RECHECKED = "rechecked", _("Rechecked by Akismet")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REPORTED_SPAM = "reported_spam", _("Reported to Akismet as spam")
    REPORTED_HAM = "reported_ham", _("Reported to Akismet as not spam")
    EDITED = "edited", _("Edited")
    READER_REPORT = "reader_report", _("Reported by a reader")
    REPORTS_CLEARED = "reports_cleared", _("Readers' reports cleared")
    FEATURED = "featured", _("Featured")
    UNFEATURED = "unfeatured", _("No longer featured")


class CommentEvent(models.Model):
    """One line of a comment's history: what happened, the verdict if Akismet was involved, who did it.

    `actor` is empty when the system acted (the posting request, the recheck task)."""

    comment = models.ForeignKey(ReaderComment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices, blank=True, default="")
    from_status = models.CharField(_("from status"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=12, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The comment's `hold_reasons` as this step left them (empty when the step did not judge it).
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("comment event")
        verbose_name_plural = _("comment events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_reasons_display(self) -> list[str]:
        return reason_labels(self.reasons)


class ReportReason(models.TextChoices):
    ABUSIVE = "abusive", _("Abusive or hateful")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Something else")


class CommentReport(models.Model):
    """A reader's report of a published comment. One per reader per comment: the same browser (a
    random token in a cookie, stored hashed) or the same IP address cannot report it twice, ever (a
    report a moderator dealt with still counts, so keeping a comment is not undone by the same reader)."""

    comment = models.ForeignKey(ReaderComment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reader_key = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, unpack_ipv4=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # Set when a moderator decided about the comment (kept, rejected): the report is no longer open.
    cleared_at = models.DateTimeField(_("dealt with at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reader report")
        verbose_name_plural = _("reader reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader_key"], name="comments_one_report_per_browser"),
        ]
        indexes = [models.Index(fields=["comment", "ip_address"], name="comments_report_ip")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class WordListKind(models.TextChoices):
    BANNED = "banned", _("Banned words")
    SUSPECT = "suspect", _("Suspect words")


@register_setting(icon="warning")
class CommentWordLists(BaseGenericSetting):
    """The moderators' banned and suspect word lists, one per installation (as WordPress's
    `disallowed_keys` and `moderation_keys`), edited under Settings in the admin: one term or phrase
    per line. Banned: the comment goes to spam without asking Akismet; suspect: it is held for a
    moderator. Matching is in comments/words.py; Wagtail's log keeps who changed the lists and when.

    Saving keeps each list tidy (one term per line, blank lines and duplicates after the Arabic
    normaliser dropped) and, through `comments.services.word_lists_saved`, makes every process match
    against the new lists from the next comment on."""

    banned = models.TextField(
        _("banned words"),
        blank=True,
        help_text=_(
            "One word or phrase per line, Arabic or English. A comment with one goes to spam; Akismet is not asked."
        ),
    )
    suspect = models.TextField(
        _("suspect words"),
        blank=True,
        help_text=_("One word or phrase per line, Arabic or English. A comment with one is held for a moderator."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        HelpPanel(
            content=_(
                "Terms match whole words through the Arabic normaliser: diacritics, tatweel, alef and hamza "
                "forms, ى/ي, ligatures and Arabic-Indic digits make no difference, and attached prefixes "
                "(و ف ب ل ك ال) and pronoun suffixes are recognised. The lists apply to comments posted from "
                "the moment they are saved."
            )
        ),
        FieldPanel("banned", widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"})),
        FieldPanel("suspect", widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"})),
    ]

    class Meta:
        verbose_name = _("comment word lists")
        verbose_name_plural = _("comment word lists")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        self.banned = "\n".join(parse_terms(strip_bidi_controls(self.banned or "")))
        self.suspect = "\n".join(parse_terms(strip_bidi_controls(self.suspect or "")))
        super().save(*args, **kwargs)

    def terms(self) -> dict[str, list[str]]:
        """{kind: terms}, the shape comments/words.py matches against."""
        return {
            WordListKind.BANNED.value: self.banned.splitlines(),
            WordListKind.SUSPECT.value: self.suspect.splitlines(),
        }


class Trust(models.TextChoices):
    NORMAL = "normal", _("Normal")
    # Published without the first-comment hold (set by a moderator, or after enough approved comments).
    TRUSTED = "trusted", _("Trusted")
    # Every comment waits for a moderator, whatever Akismet says.
    PREMODERATED = "premoderated", _("Always pre-moderate")
    # Every comment goes to spam without asking Akismet; the reader is told it awaits moderation.
    BANNED = "banned", _("Banned")


class Commenter(models.Model):
    """A commenter, identified by e-mail address (kept lower-cased, the form readers type varies), with
    the trust a moderator (or the automatic rule) gave them. Comments are not linked by a key: they are
    matched by the same LOWER(user_email) index the "known commenter" rule uses, so a commenter needs
    no row until someone changes their trust."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    trust = models.CharField(_("trust"), max_length=12, choices=Trust.choices, default=Trust.NORMAL, db_index=True)
    trust_changed_at = models.DateTimeField(_("trust changed at"), default=timezone.now)
    # Set by the unsubscribe link of a notification e-mail: no more e-mails to this address.
    notifications_off = models.BooleanField(_("unsubscribed from e-mails"), default=False)

    class Meta:
        verbose_name = _("commenter")
        verbose_name_plural = _("commenters")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def normalise(email: str) -> str:
        return (email or "").strip().lower()


class CommenterEvent(models.Model):
    """One change of a commenter's trust: from what, to what, who (empty: the automatic rule) and why."""

    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="events")
    from_trust = models.CharField(_("from"), max_length=12, choices=Trust.choices)
    to_trust = models.CharField(_("to"), max_length=12, choices=Trust.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("commenter event")
        verbose_name_plural = _("commenter events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_trust_display()} → {self.get_to_trust_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class AkismetHealth(models.Model):
    """The last outcome of talking to Akismet, one row, for the moderators' dashboard.

    Kept in the database rather than the cache so that the web process and the task worker agree."""

    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("Akismet health")
        verbose_name_plural = _("Akismet health")

    def __str__(self) -> str:
        return f"Akismet: last error {self.last_error_at or '-'}, last success {self.last_success_at or '-'}"

    @classmethod
    def current(cls) -> AkismetHealth:
        """The row, or an unsaved empty one before Akismet was ever asked: reading writes nothing (the
        services that record an outcome create the row)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def is_failing(self) -> bool:
        if not self.last_error_at:
            return False
        return self.last_success_at is None or self.last_error_at > self.last_success_at
