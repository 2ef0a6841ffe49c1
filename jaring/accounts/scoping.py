"""The one place that limits rows to the regions of a user.

Every model holding people or their records uses :class:`RegionScopedQuerySet` and names the
path to its region in ``region_path``; pages, API views and exports read through
``Model.objects.restrict(user)`` (see NetBox's ``RestrictedQuerySet``). A user without regions,
or an inactive or anonymous one, sees nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from django.db.models import Q

from jaring.regions.selectors import within_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from jaring.accounts.models import User


def user_region_codes(user: User | AnonymousUser) -> tuple[str, ...] | None:
    """Region codes ``user`` may see; ``None`` means all, ``()`` means none."""
    if not user.is_authenticated:
        return ()
    return user.region_codes


class RegionScopedQuerySet(models.QuerySet[Any]):
    def restrict(self, user: User | AnonymousUser) -> Self:
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


def code_within_q(field: str, codes: tuple[str, ...]) -> Q:
    """Rows whose text ``field`` (a column or a JSON key path) holds a region code inside any
    of ``codes``; for foreign keys to Region use :func:`jaring.regions.selectors.within_q`."""
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})
    return condition


def region_in_scope(user: User | AnonymousUser, region_code: str) -> bool:
    """Whether ``region_code`` lies inside the user's regions (for checks on input, not rows)."""
    codes = user_region_codes(user)
    if codes is None:
        return True
    return any(region_code == c or region_code.startswith(f"{c}.") for c in codes)
