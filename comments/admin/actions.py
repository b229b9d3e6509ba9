"""What the moderators' workspace does to comments: a name → service table over comments/services.py.

The admin views never change a comment themselves: a row action, a bulk action on selected rows and
a bulk action on everything matching the filter all go through `moderate()`, which calls the service
(history, cache purge, Akismet reports and the queue counts happen there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from .. import services
from ..models import ReaderComment, Status
from .filters import matching_comments

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Action:
    label: str
    service: Callable[..., object]
    # The statuses from which the action means something (shown on the row only then).
    applies_to: tuple[str, ...]
    shortcut: str = ""
    # Only for a comment readers have reported (and no moderator has looked at since).
    reported_only: bool = False
    # Only for a featured comment (True), only for one not featured (False), either (None).
    featured: bool | None = None

    def applies(self, comment: ReaderComment) -> bool:
        return (
            comment.status in self.applies_to
            and (comment.open_reports > 0 or not self.reported_only)
            and (self.featured is None or bool(comment.featured_at) == self.featured)
        )

    def applicable(self, queryset: QuerySet[ReaderComment]) -> QuerySet[ReaderComment]:
        """`applies`, as a filter: the comments of `queryset` the action means something for."""
        queryset = queryset.filter(status__in=self.applies_to)
        if self.reported_only:
            queryset = queryset.filter(open_reports__gt=0)
        if self.featured is not None:
            queryset = queryset.filter(featured_at__isnull=not self.featured)
        return queryset


ACTIONS: dict[str, Action] = {
    "approve": Action(_("Approve"), services.approve, (Status.HELD, Status.UNCHECKED, Status.TRASH), shortcut="a"),
    "unapprove": Action(_("Unapprove"), services.unapprove, (Status.PUBLISHED,), shortcut="u"),
    "spam": Action(
        _("Mark as spam"),
        services.mark_spam,
        (Status.HELD, Status.UNCHECKED, Status.PUBLISHED, Status.TRASH),
        shortcut="s",
    ),
    "not_spam": Action(_("Not spam"), services.mark_ham, (Status.SPAM, Status.DISCARDED), shortcut="n"),
    "trash": Action(
        _("Move to trash"),
        services.trash,
        (Status.HELD, Status.UNCHECKED, Status.PUBLISHED, Status.SPAM, Status.DISCARDED),
        shortcut="t",
    ),
    "restore": Action(_("Restore"), services.restore, (Status.TRASH,), shortcut="r"),
    "recheck": Action(_("Check again with Akismet"), services.recheck, (Status.UNCHECKED, Status.HELD)),
    "keep": Action(
        _("Keep (dismiss the reports)"),
        services.keep_reported,
        (Status.PUBLISHED, Status.HELD),
        shortcut="e",
        reported_only=True,
    ),
    "feature": Action(_("Feature"), services.comment_feature, (Status.PUBLISHED,), shortcut="f", featured=False),
    "unfeature": Action(_("Stop featuring"), services.comment_unfeature, (Status.PUBLISHED,), featured=True),
}
# "Everything matching" with more rows than this goes to the task worker instead of the request.
INLINE_BULK_LIMIT = 200


def actions_for(comment: ReaderComment) -> list[tuple[str, Action]]:
    return [(name, action) for name, action in ACTIONS.items() if action.applies(comment)]


def moderate(*, comments: Iterable[ReaderComment], action: str, actor) -> int:
    """Apply `action` to each comment it applies to; returns how many changed hands.

    One comment failing (a deleted article, Akismet down while reporting) must not stop the rest."""
    spec = ACTIONS[action]
    done = 0
    for comment in comments:
        if not spec.applies(comment):
            continue
        try:
            spec.service(comment=comment, actor=actor)
        except Exception:
            logger.exception("Moderation action %s failed on comment %s", action, comment.pk)
            continue
        done += 1
    return done


# Comments fetched and moderated at a time by a bulk action on everything matching a filter.
BATCH_SIZE = 200


def moderate_in_batches(*, queryset: QuerySet[ReaderComment], action: str, actor) -> int:
    """Apply `action` to every comment of `queryset` it applies to, BATCH_SIZE at a time in primary-key
    order (each batch a keyset query: what a batch changed never shifts the next one), so that a
    hundred thousand comments never sit in memory at once. Each comment goes through `moderate`, so
    through the same services and history lines as a row's button."""
    queryset = ACTIONS[action].applicable(queryset).select_related("article").order_by("pk")
    done, last = 0, 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:BATCH_SIZE])
        if not batch:
            return done
        done += moderate(comments=batch, action=action, actor=actor)
        last = batch[-1].pk


@task()
def moderate_in_background(*, ids: list[int], action: str, actor_id: int) -> int:
    """Selected comments, more than INLINE_BULK_LIMIT of them."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    return moderate_in_batches(queryset=ReaderComment.objects.filter(pk__in=ids), action=action, actor=actor)


@task()
def moderate_matching_in_background(*, query: dict[str, list[str]], action: str, actor_id: int) -> int:
    """Every comment the listing's filters and search (`query`, as the listing had them) match, when
    there are more than INLINE_BULK_LIMIT: walked in batches by the worker."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    return moderate_in_batches(queryset=matching_comments(query), action=action, actor=actor)


def reply(*, parent: ReaderComment, actor, text: str) -> ReaderComment:
    return services.reply_as_staff(parent=parent, actor=actor, text=text)


def edit_text(*, comment: ReaderComment, actor, text: str) -> ReaderComment:
    return services.edit_text(comment=comment, actor=actor, text=text)
