"""Factories for comments: `ReaderCommentFactory(article=..., status=...)` stores a comment directly (no
Akismet), threaded by django-comments-xtd's own save (`parent=` for a reply)."""

from __future__ import annotations

import factory
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site as DjangoSite
from django.utils import timezone

from articles.models import ArticlePage
from comments.models import ReaderComment, Status


class ReaderCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReaderComment
        exclude = ("parent",)

    article = None
    parent = None
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(ArticlePage))
    object_pk = factory.LazyAttribute(lambda o: str(o.article.pk))
    wagtail_site = factory.LazyAttribute(lambda o: o.article.get_site())
    site = factory.LazyFunction(DjangoSite.objects.get_current)
    user_name = factory.Sequence(lambda n: f"قارئ {n}")
    user_email = factory.Sequence(lambda n: f"reader{n}@example.com")
    comment = "تعليق على الخبر."
    submit_date = factory.LazyFunction(timezone.now)
    status = Status.PUBLISHED
    parent_id = factory.LazyAttribute(lambda o: o.parent.pk if o.parent else 0)
    akismet_payload = factory.LazyAttribute(
        lambda o: {"user_ip": "203.0.113.7", "comment_author": o.user_name, "comment_content": o.comment}
    )
