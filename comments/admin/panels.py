"""Comment panels in other parts of the admin: the dashboard's, the one on an article's edit page, and
the word lists' history on their setting's page.

`ArticleCommentsPanel` is a FieldPanel for `comments_open` (so the open/closed switch is saved with
the page, in its revision, like any other field) that also shows the article's comment counts per
queue, linking into the filtered queue. It is the one line articles/models.py needs from us.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, Panel
from wagtail.admin.ui.components import Component

from .. import selectors
from .selectors import (
    QUEUE_LABELS,
    article_counts,
    last_akismet_check,
    pending_count,
    spam_per_day,
    word_lists_history,
)

MODERATE = "comments.moderate_readercomment"
CHART_HEIGHT = 80
CHART_BAR_WIDTH = 28
CHART_GAP = 12


class ArticleCommentsPanel(FieldPanel):
    def __init__(self, field_name="comments_open", **kwargs):
        kwargs.setdefault("heading", _("Comments"))
        super().__init__(field_name, **kwargs)

    class BoundPanel(FieldPanel.BoundPanel):
        template_name = "comments/admin/article_comments_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            article = self.instance
            if not article.pk:
                return context
            counts = article_counts(article=article)
            base = reverse("comments_admin:index")
            context["comment_queues"] = [
                {
                    "label": label,
                    "count": counts[queue],
                    "url": f"{base}?{urlencode({'queue': queue, 'article': article.pk})}",
                }
                for queue, label in QUEUE_LABELS.items()
            ]
            context["can_moderate"] = self.request.user.has_perm(MODERATE)
            return context


class WordListsHistoryPanel(Panel):
    """The last changes to the word lists (who and when, from Wagtail's log) on the lists' own page,
    where moderators, who cannot open the admin's site history, see them."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "comments/admin/word_lists_history_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["entries"] = word_lists_history(setting=self.instance) if self.instance.pk else []
            return context


class CommentsDashboardPanel(Component):
    """Held comments, spam caught per day over the last week, and whether Akismet is working."""

    name = "comments"
    order = 50
    template_name = "comments/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        days = spam_per_day(days=7)
        peak = max((n for _day, n in days), default=0) or 1
        rtl = get_language_bidi()
        bars = []
        for index, (day, count) in enumerate(days):
            height = round(CHART_HEIGHT * count / peak)
            # Time runs the way the admin reads: the oldest day on the right in Arabic.
            slot = len(days) - 1 - index if rtl else index
            x = slot * (CHART_BAR_WIDTH + CHART_GAP)
            bars.append(
                {
                    "day": day,
                    "count": count,
                    "x": x,
                    "y": CHART_HEIGHT - height,
                    "height": height,
                    "label_x": x + CHART_BAR_WIDTH // 2,
                }
            )
        health = selectors.akismet_health()
        return {
            "pending": pending_count(),
            "queue_url": reverse("comments_admin:index"),
            "bars": bars,
            "spam_week": sum(n for _day, n in days),
            "chart_width": len(days) * (CHART_BAR_WIDTH + CHART_GAP) - CHART_GAP,
            "chart_height": CHART_HEIGHT,
            "bar_width": CHART_BAR_WIDTH,
            "akismet_configured": bool(settings.AKISMET_API_KEY and settings.AKISMET_BLOG_URL),
            "akismet_url": settings.AKISMET_API_URL,
            "health": health,
            "last_check": last_akismet_check(),
        }
