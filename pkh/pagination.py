"""Pagination shared by the list pages."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap + 1`` rows.

    An admin's province holds 200,000 families (or aid gaps): an exact count of them
    costs more than the page itself, and paging to the 8,000th page by OFFSET is slower
    still. Beyond the cap the page says "more than 10,000" and asks for a filter; the
    exact figures are in the coverage pages and the quarterly reports."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        # Unordered: which rows fill the cap does not matter, and a sort would cost.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
