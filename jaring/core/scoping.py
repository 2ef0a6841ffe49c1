"""The one place that limits rows to the regions of a user.

Every model holding people or their records uses :class:`RegionScopedQuerySet` and names the
path to its region in ``region_path``; pages, API views and exports read through
``Model.objects.restrict(user)`` (see NetBox's ``RestrictedQuerySet``). A user without regions,
or an inactive or anonymous one, sees nothing.

Kemendagri region codes nest by prefix (a desa ``35.71.03.1001`` lies inside ``35.71``), so
"inside a region" is ``code = R or code LIKE 'R.%'`` (ADR 0001); :func:`within_q` and
:func:`code_within_q` are the only places that write it. This module sits in ``core`` and
imports no app: a user is anything with ``is_authenticated`` and ``region_codes``
(:class:`ScopedUser`; ``accounts.User`` is one), so every app above may scope its rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Protocol, Self, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models
from django.db.models import Q


class RegionUser(Protocol):
    """What scoping needs of a signed-in user: the codes of their regions, ``None`` for every
    region (``accounts.User`` is one)."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def region_codes(self) -> tuple[str, ...] | None: ...


# Whoever a request carries: a user with regions, or nobody signed in (who sees nothing).
ScopedUser: TypeAlias = RegionUser | AnonymousUser


def user_region_codes(user: ScopedUser) -> tuple[str, ...] | None:
    """Region codes ``user`` may see; ``None`` means all, ``()`` means none."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return ()
    return user.region_codes


def within_q(field: str, codes: Iterable[str]) -> Q:
    """Rows whose region ``field`` (a foreign key to a model keyed by its dotted code, such as
    ``regions.Region``) lies inside any of ``codes``.

    An empty ``codes`` gives a condition that matches nothing.
    """
    condition = Q(pk__in=[])
    for code in codes:
        if connection.vendor == "sqlite":
            # SQLite answers LIKE 'x.%' by reading every row (its LIKE ignores case, so no
            # index serves it); the same codes as a range of its binary order use the index.
            # ("/" follows "." in ASCII. Not on PostgreSQL, whose collation may order
            # punctuation otherwise; its varchar_pattern_ops index serves LIKE there.)
            inside = Q(**{f"{field}_id__gte": f"{code}.", f"{field}_id__lt": f"{code}/"})
        else:
            inside = Q(**{f"{field}__code__startswith": f"{code}."})
        condition |= Q(**{f"{field}_id": code}) | inside
    return condition


def code_within_q(field: str, codes: Iterable[str]) -> Q:
    """Rows whose text ``field`` (a column or a JSON key path) holds a region code inside any
    of ``codes``; for foreign keys to a region use :func:`within_q`."""
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})
    return condition


def region_in_scope(user: ScopedUser, region_code: str) -> bool:
    """Whether ``region_code`` lies inside the user's regions (for checks on input, not rows)."""
    codes = user_region_codes(user)
    if codes is None:
        return True
    return any(region_code == c or region_code.startswith(f"{c}.") for c in codes)


class RegionScopedQuerySet(models.QuerySet[Any]):
    def restrict(self, user: ScopedUser) -> Self:
        codes = user_region_codes(user)
        if codes is None:
            return self
        if not codes:
            return self.none()
        paths = self.model.region_path
        restricted = self
        # A row that concerns several regions (a pair of people) must lie wholly in scope.
        for path in (paths,) if isinstance(paths, str) else paths:
            restricted = restricted.filter(within_q(path, codes))
        return restricted


class RegionScopedModel(models.Model):
    """Base for models whose rows belong to a region; ``region_path`` leads to it."""

    # Path to the row's region, or several paths when a row concerns several people.
    region_path: ClassVar[str | tuple[str, ...]] = "region"

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict[str, Any]:
        """What django-auditlog stores beside each change: the region, so the audit trail can
        be restricted like the records themselves."""
        region: Any = self
        path = self.region_path if isinstance(self.region_path, str) else self.region_path[0]
        for part in path.split("__"):
            region = getattr(region, part, None)
        return {"region": getattr(region, "code", None)}
