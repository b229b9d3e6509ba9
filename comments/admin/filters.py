"""The comment listing's filters, as a Wagtail filter set (the drawer, the active-filter pills and the
results refreshed without reloading come with it).

A bookmarked URL must keep working after a section or an article is deleted: an invalid value is
dropped from the filter (and shown as not applied) instead of failing the whole listing.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from articles.models import ArticlePage, SectionPage

from .. import selectors
from ..models import Commenter, ReaderComment, Reason, Trust, Verdict
from .selectors import QUEUE_LABELS, QUEUES, REPORTED_QUEUE

DEFAULT_QUEUE = "pending"
VERDICT_NONE = "none"


class SectionChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        """The section and its edition's language, in the moderator's language ("الأخبار (العربية)")."""
        return f"{obj.title} ({get_language_info(obj.locale.language_code)['name_translated']})"


class SectionChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SectionChoiceField


class CommentFilterSet(WagtailFilterSet):
    queue = django_filters.ChoiceFilter(
        label=_("Queue"),
        choices=list(QUEUE_LABELS.items()),
        method="filter_queue",
        empty_label=None,
        null_label=None,
    )
    section = SectionChoiceFilter(
        label=_("Section"),
        queryset=SectionPage.objects.select_related("locale").order_by("locale__language_code", "path"),
        method="filter_section",
        empty_label=_("All sections"),
    )
    # An archive has hundreds of thousands of articles: no drop-down, the article comes from a link
    # (a row's article, the article editor's panel).
    article = django_filters.ModelChoiceFilter(
        label=_("Article"), queryset=ArticlePage.objects.all(), field_name="article", widget=forms.HiddenInput
    )
    date = django_filters.DateFromToRangeFilter(
        label=_("Submitted"), field_name="submitted_at", widget=DateRangePickerWidget
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Akismet verdict"),
        choices=[(value or VERDICT_NONE, label) for value, label in Verdict.choices],
        method="filter_verdict",
        empty_label=_("Any verdict"),
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"), choices=Reason.choices, method="filter_reason", empty_label=_("Any reason")
    )

    class Meta:
        model = ReaderComment
        fields = []

    @property
    def current_queue(self) -> str:
        """The queue shown: the valid `queue` parameter, else pending."""
        value = self.data.get("queue") if self.data else None
        return value if value in QUEUES else DEFAULT_QUEUE

    def filter_queryset(self, queryset):
        """Apply the valid filters; an invalid one (a deleted section) is left out, not an error."""
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        queryset = self.filter_queue(queryset, "queue", self.current_queue)
        for name, value in cleaned.items():
            if name == "queue" or value in (None, "", []):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def is_valid(self):
        # The listing filters with whatever is valid (see filter_queryset); Wagtail only reads the rest.
        self.form.is_valid()
        return True

    def filter_queue(self, queryset, name, value):
        queryset = queryset.filter(status__in=QUEUES.get(value, QUEUES[DEFAULT_QUEUE]))
        if value == REPORTED_QUEUE:
            queryset = queryset.filter(open_reports__gt=0)
        return queryset

    def filter_section(self, queryset, name, value):
        return selectors.in_section(queryset, value) if value else queryset

    def filter_verdict(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(akismet_verdict="" if value == VERDICT_NONE else value)

    def filter_reason(self, queryset, name, value):
        return selectors.with_reason(queryset, value) if value else queryset


class CommenterFilterSet(WagtailFilterSet):
    trust = django_filters.ChoiceFilter(label=_("Trust"), choices=Trust.choices, empty_label=_("Any"))

    class Meta:
        model = Commenter
        fields = ["trust"]


def matching_comments(query: QueryDict | dict[str, list[str]]) -> QuerySet[ReaderComment]:
    """Every comment the listing shows for `query` (its filters and its search, all pages), unordered:
    what a bulk action on "everything matching" acts on, in the request or later in the worker."""
    if not isinstance(query, QueryDict):
        data = QueryDict(mutable=True)
        for key, values in query.items():
            data.setlist(key, list(values))
        query = data
    base = ReaderComment.objects.all()
    queryset = CommentFilterSet(data=query, queryset=base).filter_queryset(base)
    search = (query.get("q") or "").strip()
    if search:
        queryset = selectors.search_comments(queryset, search)
    return queryset.order_by()
