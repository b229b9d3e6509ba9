"""Pages of the comment listing without counting the comments table.

Wagtail's paginator runs COUNT(*) over the filtered queue on every page, which on a large comments
table costs more than the page itself. This one fetches a page's rows and one more: the extra row says
whether there is a next page. The total, for "Page 3 of 40" and "1,234 comments", comes from the queue
counts the tabs show anyway (cached, exact after every change) when the listing is a whole queue; with
a filter or a search the total is not known, and the listing says "Page 3" and how many it has seen.
Wagtail's pagination bar and its links stay as they are.
"""

from __future__ import annotations

import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.paginator import WagtailPaginator


class QueuePaginator(WagtailPaginator):
    """`known_count`: the queue's count when the listing shows a whole queue, else None."""

    def __init__(self, object_list, per_page, *args, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.known_count = known_count
        self.has_more = False
        self.count_is_exact = True

    @cached_property
    def count(self) -> int:
        """Known, or (until a page is fetched) nothing seen yet; `page()` sets it from the rows."""
        return self.known_count if self.known_count is not None else 0

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(self.count / self.per_page))

    def validate_number(self, number) -> int:
        """Any positive page number: whether it has rows is known once it is fetched."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("That page number is not an integer")) from error
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def get_page(self, number) -> Page:
        try:
            number = self.validate_number(number)
        except (PageNotAnInteger, EmptyPage):
            number = 1
        page = self.page(number)
        if not page.object_list and number > 1:
            # Past the end (a bookmark, rows moved on): the first page rather than an empty one.
            return self.page(1)
        return page

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        self.has_more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        seen = bottom + len(rows)
        if not self.has_more:
            counted, self.count_is_exact = seen, True  # the last page: everything has been seen
        elif self.known_count is not None and self.known_count > seen:
            counted, self.count_is_exact = self.known_count, True
        else:
            # Unknown, or the cached figure is behind the rows: what was seen, and one more.
            counted, self.count_is_exact = seen + 1, False
        self.__dict__["count"] = counted
        self.__dict__["num_pages"] = max(1, math.ceil(counted / self.per_page))
        return self._get_page(rows, number, self)

    @cached_property
    def items_count_label(self) -> str:
        if self.count_is_exact:
            return ngettext("%(count)s comment", "%(count)s comments", self.count) % {"count": self.count}
        return _("More than %(count)s comments") % {"count": self.count - 1}
