"""Pagination that orders and skips over ids alone.

A deep page of a list joined to other tables (the queue at page 148 of 4,000 applications) made PostgreSQL join
every row, sort the wide result and throw away all but 25. `IdFirstPaginator` asks for the page's ids first —
ordered and offset over the base table alone, which its ordering index serves — and then loads only those rows
with their joins, in the same order. The count, page numbers and orphans behave as Django's `Paginator`.
"""

from django.core.paginator import Paginator


class IdFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.model._default_manager.none()
        if ids:
            rows = self.object_list.order_by().filter(pk__in=ids)
        by_id = {row.pk: row for row in rows}
        # A row gone between the two queries is left out rather than failing the page.
        return self._get_page([by_id[i] for i in ids if i in by_id], number, self)
