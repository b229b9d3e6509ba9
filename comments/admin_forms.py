"""Forms of the moderators' workspace: the queue's filters (GET) and the text a moderator writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from articles.models import ArticlePage, SectionPage

from .admin_selectors import QUEUES, QueueFilters
from .models import Verdict

QUEUE_LABELS = {
    "pending": _("Pending"),
    "published": _("Approved"),
    "spam": _("Spam"),
    "discarded": _("Discarded"),
    "trash": _("Trash"),
}
PER_PAGE_CHOICES = [(20, "20"), (50, "50"), (100, "100")]
VERDICT_ANY = "any"


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        """The section and its edition's language, in the moderator's language ("الأخبار (العربية)")."""
        return f"{obj.title} ({get_language_info(obj.locale.language_code)['name_translated']})"


class QueueFilterForm(forms.Form):
    """The queue's GET parameters. An invalid field falls back to its default rather than an error
    page: a moderator's bookmarked URL must keep working after a section is deleted."""

    queue = forms.ChoiceField(choices=[(key, QUEUE_LABELS[key]) for key in QUEUES], required=False)
    section = SectionChoiceField(
        label=_("Section"),
        queryset=SectionPage.objects.select_related("locale").order_by("locale__language_code", "path"),
        required=False,
        empty_label=_("All sections"),
    )
    article = forms.ModelChoiceField(
        label=_("Article"), queryset=ArticlePage.objects.all(), required=False, widget=forms.HiddenInput
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    verdict = forms.ChoiceField(
        label=_("Akismet verdict"),
        choices=[(VERDICT_ANY, _("Any verdict"))] + [(value or "none", label) for value, label in Verdict.choices],
        required=False,
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Text, name, e-mail or IP")}),
    )
    order = forms.ChoiceField(
        label=_("Order"),
        choices=[("newest", _("Newest first")), ("oldest", _("Oldest first"))],
        required=False,
    )
    per_page = forms.IntegerField(
        label=_("Per page"), min_value=1, max_value=200, required=False, widget=forms.Select(choices=PER_PAGE_CHOICES)
    )

    def filters(self) -> QueueFilters:
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        data = self.cleaned_data
        verdict = data.get("verdict") or VERDICT_ANY
        return QueueFilters(
            queue=data.get("queue") or "pending",
            section=data.get("section"),
            article=data.get("article"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            verdict=None if verdict == VERDICT_ANY else ("" if verdict == "none" else verdict),
            search=data.get("q") or "",
            oldest_first=data.get("order") == "oldest",
        )

    def page_size(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("per_page") or 50


class CommentTextForm(forms.Form):
    """A staff reply or a corrected text."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)
