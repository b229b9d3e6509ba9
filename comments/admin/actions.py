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


def moderate_matching(*, queryset: QuerySet[ReaderComment], action: str, actor) -> tuple[int, bool]:
    """Bulk action on everything a filter matches. Small sets are done now; large ones by the worker
    so the moderator's request does not time out. Returns (count done or queued, queued?)."""
    ids = list(queryset.filter(status__in=ACTIONS[action].applies_to).order_by().values_list("pk", flat=True))
    if len(ids) <= INLINE_BULK_LIMIT:
        return moderate(comments=ReaderComment.objects.filter(pk__in=ids), action=action, actor=actor), False
    moderate_in_background.enqueue(ids=ids, action=action, actor_id=actor.pk)
    return len(ids), True


@task()
def moderate_in_background(*, ids: list[int], action: str, actor_id: int) -> int:
    actor = get_user_model().objects.filter(pk=actor_id).first()
    done = 0
    for start in range(0, len(ids), 500):
        batch = ReaderComment.objects.filter(pk__in=ids[start : start + 500])
        done += moderate(comments=batch, action=action, actor=actor)
    return done


def reply(*, parent: ReaderComment, actor, text: str) -> ReaderComment:
    return services.reply_as_staff(parent=parent, actor=actor, text=text)


def edit_text(*, comment: ReaderComment, actor, text: str) -> ReaderComment:
    return services.edit_text(comment=comment, actor=actor, text=text)
