"""Pages of people at province scale: keyset pages and a capped count.

With ten million people, ``OFFSET`` paging reads and throws away every row before the page
(page 500 of a million took 1.9 s on PostgreSQL), and the exact count of a province's list
reads the whole list. Here:

- a page is found from where the previous one ended — the last (or first) row's place in the
  list's order (``name_normalized``, ``id``), the order of the index ``person_name_order`` —
  so page 500 costs what page 1 costs;
- the place travels in a signed cursor (``?after=`` / ``?before=``) with the page's number, so
  the number the pace counts (:mod:`jaring.audit.pacing`) cannot be rewritten by hand;
- the count stops at :data:`COUNT_CAP` ("lebih dari 10.000 orang"), which a list shows as such;
- the region restriction is the queryset's own: a cursor is a place in the order, never a row
  the user could not see.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core import signing
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Func, QuerySet
from django.db.models.expressions import Col, RawSQL
from django.db.models.sql.where import WhereNode

from jaring.registry.models import Person

#: Counts of a list stop here; a longer list says "more than".
COUNT_CAP = 10_000
_SALT = "jaring.registry.paging"


def capped_count(queryset: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """``min(queryset.count(), cap + 1)``: reads at most ``cap + 1`` rows."""
    return int(queryset.order_by()[: cap + 1].count())


def _cursor(person: Person, number: int) -> str:
    return signing.dumps([person.name_normalized, person.pk, number], salt=_SALT)


def _place(value: str | None) -> tuple[str, int, int] | None:
    """The (name, id, page number) a cursor holds; None when absent or tampered with."""
    if not value:
        return None
    try:
        name, pk, number = signing.loads(value, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(name, str) or not isinstance(pk, int) or not isinstance(number, int):
        return None
    return name, pk, max(1, number)


def _beyond(queryset: QuerySet[Person], name: str, pk: int, *, after: bool) -> QuerySet[Person]:
    """Rows after (or before) ``(name, pk)`` in the list's order, as one row comparison, which
    both databases answer from the (name_normalized, id) index."""
    table = Person._meta.db_table
    sign = ">" if after else "<"
    condition = RawSQL(
        f'("{table}"."name_normalized", "{table}"."id") {sign} (%s, %s)',
        (name, pk),
        output_field=BooleanField(),
    )
    return queryset.filter(condition)


class _Unindexed(Func):
    """``+column``: the same value, which SQLite's planner may not look up in an index."""

    template = "+%(expressions)s"


def _region_unindexed(node: WhereNode) -> WhereNode:
    region = Person._meta.get_field("region")
    out = node.create(connector=node.connector, negated=node.negated)
    child: Any
    for child in node.children:
        if isinstance(child, WhereNode):
            child = _region_unindexed(child)
        elif isinstance(lhs := getattr(child, "lhs", None), Col) and lhs.target is region:
            child = child.copy()
            child.lhs = _Unindexed(lhs, output_field=lhs.output_field)
        out.children.append(child)
    return out


def in_name_order(queryset: QuerySet[Person], *, broad: bool) -> QuerySet[Person]:
    """``queryset`` for reading rows in the list's order when the user's regions hold many
    people (``broad``, :func:`jaring.registry.selectors.people_scope_broad`): on SQLite, its
    region condition is kept from the region index.

    SQLite's planner cannot tell a province's range of codes (every row) from a desa's (a
    hundred): it reads the rows of the range through the region index and sorts them all —
    4.5 s for a province of a million people, where walking the name index to the page's
    fifty rows takes milliseconds. For a small region the region index is right, and stays.
    PostgreSQL, which knows the numbers of rows, chooses well by itself."""
    if not broad or connection.vendor != "sqlite":
        return queryset
    walked = queryset.all()
    walked.query.where = _region_unindexed(walked.query.where)
    return walked


@dataclass
class KeysetCount:
    """What a page says of the whole list (``page.paginator`` in the templates and tests)."""

    object_list: QuerySet[Person]

    @cached_property
    def _counted(self) -> int:
        return capped_count(self.object_list)

    @property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        """The list is longer than :data:`COUNT_CAP` (its count says "more than")."""
        return self._counted > COUNT_CAP


@dataclass
class KeysetPage:
    """One page of a list in (name_normalized, id) order, with the cursors of its neighbours."""

    object_list: list[Person]
    number: int
    paginator: KeysetCount
    next_cursor: str = ""
    previous_cursor: str = ""
    per_page: int = 50
    extra: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return bool(self.next_cursor)

    def has_previous(self) -> bool:
        return bool(self.previous_cursor)


def page_number_of(params: Mapping[str, str]) -> int:
    """The number of the page a request asks for, read from its signed cursor (1 without)."""
    if after := _place(params.get("after")):
        return after[2] + 1
    if before := _place(params.get("before")):
        return max(1, before[2] - 1)
    return 1


def keyset_page(
    queryset: QuerySet[Person],
    params: Mapping[str, str],
    per_page: int = 50,
    *,
    broad: bool = False,
) -> KeysetPage:
    """The page ``params`` ask for (``after``/``before`` a signed cursor; the first without),
    ordered by (name_normalized, id). Reads ``per_page + 1`` rows, so that whether a next (or
    previous) page exists is known without counting; the count is read when the template asks.
    ``broad``: the user's regions hold many people (:func:`in_name_order`)."""
    ordered = in_name_order(queryset, broad=broad).order_by("name_normalized", "id")
    after, before = _place(params.get("after")), _place(params.get("before"))
    number = 1
    rows: Sequence[Person]
    if before is not None:
        name, pk, number = before
        number = max(1, number - 1)
        rows = list(
            _beyond(ordered, name, pk, after=False).order_by("-name_normalized", "-id")[
                : per_page + 1
            ]
        )
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        more_after = True
        if not more_before:
            number = 1
    else:
        if after is not None:
            name, pk, number = after
            number += 1
            ordered = _beyond(ordered, name, pk, after=True)
        rows = list(ordered[: per_page + 1])
        more_after = len(rows) > per_page
        rows = rows[:per_page]
        more_before = after is not None
    page = KeysetPage(rows, number, KeysetCount(queryset), per_page=per_page)
    if rows and more_after:
        page.next_cursor = _cursor(rows[-1], page.number)
    if rows and more_before:
        page.previous_cursor = _cursor(rows[0], page.number)
    return page


class CappedPaginator(Paginator):
    """A page-number paginator (the API's, for exports page by page) whose count stops at
    :data:`COUNT_CAP` and whose pages know whether another follows by reading one row more —
    so a list of ten million answers its first page without counting ten million.
    ``rows``: the same list to read the page's rows from (:func:`in_name_order`)."""

    def __init__(
        self, object_list: Any, per_page: int, *args: Any, rows: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = object_list if rows is None else rows

    @cached_property
    def _counted(self) -> int:
        return capped_count(self.object_list)  # type: ignore[arg-type]

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            value = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)
        return super().validate_number(1) if value < 1 else value

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.capped:
            top = min(bottom + self.per_page, self.count)
            return self._get_page(self.rows[bottom:top], number, self)  # type: ignore[attr-defined]
        rows = list(self.rows[bottom : bottom + self.per_page + 1])
        page = _CappedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page


class _CappedPage(Page):
    more = False

    def has_next(self) -> bool:
        return self.more
