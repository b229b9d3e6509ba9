# ruff: noqa: E501 -- one URL route per line, as the URLconf writes it
"""Every URL of the Wagtail admin, with sample arguments, for the permission matrix.

The URLs come from the resolver (whatever Wagtail, its contrib apps and our hooks register under
/admin/); each is keyed by its route as written in the URLconf, so a new URL shows up as a new key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Locale, Site, Task, Workflow

from articles.models import Tag
from articles.tests.factories import ArticlePageFactory, AuthorFactory
from comments.models import Commenter, Status
from comments.tests.factories import ReaderCommentFactory

CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def admin_routes() -> list[str]:
    """Every route under admin/, in URLconf order."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns) if route.startswith("admin/")]


@dataclass
class SampleObjects:
    values: dict[str, object]

    def url(self, route: str) -> str:
        """The route with sample arguments: a key of `values` named after the route (for `pk`, whose
        meaning depends on the view), else one named after the argument."""
        special = self.values["routes"].get(route)
        if special:
            return special
        path = route.replace("^", "").replace("$", "")

        def fill(match):
            name = match.group("name")
            for key in (f"{path.split('/')[1]}.{name}", name):
                if key in self.values:
                    return str(self.values[key])
            raise KeyError(f"no sample value for <{name}> in {route}")

        return "/" + CONVERTER.sub(fill, path)


def sample_objects(site_tree) -> SampleObjects:
    """One of everything an admin URL can point at."""
    section = site_tree["sections"][0]
    article = ArticlePageFactory(parent=section)
    revision = article.save_revision()
    alias = article.create_alias(parent=site_tree["sections"][1], update_slug="alias-of-story")
    root_collection = Collection.get_first_root_node()
    archive = root_collection.add_child(name="أرشيف")

    image = get_image_model().objects.create(title="صورة", file=get_test_image_file(), collection=root_collection)
    document = Document.objects.create(
        title="وثيقة", file=ContentFile(b"%PDF-1.4", name="doc.pdf"), collection=root_collection
    )
    author = AuthorFactory()
    comment = ReaderCommentFactory(article=article, status=Status.HELD)
    commenter = Commenter.objects.create(email=comment.user_email.lower())
    tag = Tag.objects.create(name="سوريا", slug="syria")
    workflow = Workflow.objects.get(name="مراجعة المحرر")
    task = Task.objects.filter(active=True).first()
    submitter = User.objects.create_user("submitter", "submitter@example.com", "pw")
    workflow_state = workflow.start(article, submitter)
    task_state = workflow_state.current_task_state
    redirect = Redirect.objects.create(old_path="/old-story", redirect_link="/")
    group = Group.objects.get(name="Reporters")
    values = {
        "page_id": article.pk,
        "parent_page_id": section.pk,
        "page_to_move_id": article.pk,
        "destination_id": site_tree["sections"][1].pk,
        "page_pk": article.pk,
        "workflow_pk": workflow.pk,
        "revision_id": revision.pk,
        "task_id": task.pk,
        "task_state_id": task_state.pk,
        "workflow_state_id": workflow_state.pk,
        "action_name": "approve",
        "content_type_app_name": "articles",
        "content_type_model_name": "articlepage",
        "app_label": "articles",
        "model_name": "author",
        "app_name": "articles",
        "image_id": image.pk,
        "document_id": document.pk,
        "doc_id": document.pk,
        "uploaded_file_id": 1,
        "filter_spec": "original",
        "redirect_id": redirect.pk,
        "collection_id": root_collection.pk,
        "session_id": 1,
        "object_id": author.pk,
        "uidb64": "MQ",
        "token": "set-password",
        "action": "delete",
        "pages.pk": article.pk,
        "api.pk": article.pk,
        "collections.pk": archive.pk,
        "workflows.pk": workflow.pk,
        "snippets.pk": author.pk,
        "sites.pk": Site.objects.get(is_default_site=True).pk,
        "users.pk": submitter.pk,
        "groups.pk": group.pk,
        "locales.pk": Locale.objects.get(language_code="ar").pk,
        "documents.pk": document.pk,
        "images.pk": image.pk,
        "translation.pk": author.pk,
        "settings.pk": 1,
        "comments.pk": comment.pk,
        "routes": {
            "admin/test404/": "/admin/test404/",
            "admin/comments/commenters/<int:pk>/": f"/admin/comments/commenters/{commenter.pk}/",
            "admin/pages/<int:page_id>/convert_alias/": f"/admin/pages/{alias.pk}/convert_alias/",
            "admin/api/main/^pages/find/": f"/admin/api/main/pages/find/?id={article.pk}",
            "admin/api/main/^documents/find/": f"/admin/api/main/documents/find/?id={document.pk}",
            "admin/api/main/^images/find/": f"/admin/api/main/images/find/?id={image.pk}",
            "admin/^.*/$": "/admin/no-such-area/",
            "admin/api/main/^pages/<int:pk>/action/<str:action_name>/": f"/admin/api/main/pages/{article.pk}/action/copy/",
            "admin/api/main/^documents/<int:pk>/": f"/admin/api/main/documents/{document.pk}/",
            "admin/api/main/^images/<int:pk>/": f"/admin/api/main/images/{image.pk}/",
            "admin/settings/<slug:app_name>/<slug:model_name>/": "/admin/settings/articles/newsroomsettings/",
            "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/": "/admin/settings/articles/newsroomsettings/1/",
            "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/preview/": "/admin/settings/articles/newsroomsettings/1/preview/",
            "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/": f"/admin/bulk/wagtailcore/page/delete/?id={article.pk}",
            "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/": "/admin/tag-autocomplete/articles/tag/",
            "admin/snippets/articles/tag/edit/<int:pk>/": f"/admin/snippets/articles/tag/edit/{tag.pk}/",
            "admin/snippets/articles/tag/delete/<int:pk>/": f"/admin/snippets/articles/tag/delete/{tag.pk}/",
            "admin/snippets/articles/tag/usage/<int:pk>/": f"/admin/snippets/articles/tag/usage/{tag.pk}/",
            "admin/snippets/articles/tag/history/<int:pk>/": f"/admin/snippets/articles/tag/history/{tag.pk}/",
            "admin/snippets/articles/tag/history-results/<int:pk>/": f"/admin/snippets/articles/tag/history-results/{tag.pk}/",
            "admin/snippets/articles/tag/copy/<int:pk>/": f"/admin/snippets/articles/tag/copy/{tag.pk}/",
            "admin/snippets/choose/articles/tag/chosen/<str:pk>/": f"/admin/snippets/choose/articles/tag/chosen/{tag.pk}/",
            "admin/translation/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/": f"/admin/translation/submit/snippet/articles/author/{author.pk}/",
            "admin/documents/chooser/chosen/<str:pk>/": f"/admin/documents/chooser/chosen/{document.pk}/",
            "admin/images/chooser/chosen/<str:pk>/": f"/admin/images/chooser/chosen/{image.pk}/",
            "admin/workflows/tasks/add/<str:app_label>/<str:model_name>/": "/admin/workflows/tasks/add/wagtailcore/groupapprovaltask/",
            "admin/pages/create/<slug:app_label>/<slug:model_name>": "/admin/pages/create/articles/articlepage",
            "admin/editing-sessions/ping/<str:app_label>/<str:model_name>/<str:object_id>/<int:session_id>/": f"/admin/editing-sessions/ping/wagtailcore/page/{article.pk}/1/",
            "admin/pages/^(?P<pk>\\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\\d+)\\.\\.\\.(?P<revision_id_b>live|latest|\\d+)/$": f"/admin/pages/{article.pk}/revisions/compare/earliest...latest/",
        },
    }
    return SampleObjects(values)
