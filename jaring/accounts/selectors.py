"""Reads of users: the ones an administrator manages, and their regions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from jaring.accounts.models import User, UserRegion
from jaring.accounts.roles import Role, roles_grantable
from jaring.core.scoping import user_region_codes, within_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def users_managed(admin: User | AnonymousUser) -> QuerySet[User]:
    """The users ``admin`` may see and change: their role is one ``admin`` may give, and every
    region of theirs lies inside ``admin``'s (a user with no region inside is nobody's but a
    national admin's). ``admin`` is among them only when national (see ``user_update``)."""
    if not admin.is_authenticated or not isinstance(admin, User):
        return User.objects.none()
    if not admin.capabilities.manage_users:
        return User.objects.none()
    users = User.objects.filter(role__in=roles_grantable(Role(admin.role))).prefetch_related(
        Prefetch(
            "region_scopes",
            queryset=UserRegion.objects.select_related("region").order_by("region_id"),
        )
    )
    codes = user_region_codes(admin)
    if codes is None:
        return users.order_by("username")
    if not codes:
        return User.objects.none()
    outside = UserRegion.objects.exclude(within_q("region", codes)).values("user_id")
    inside = UserRegion.objects.filter(within_q("region", codes)).values("user_id")
    return users.filter(pk__in=inside).exclude(pk__in=outside).order_by("username")


def user_managed_get(admin: User | AnonymousUser, pk: int) -> User:
    """One user ``admin`` manages (``User.DoesNotExist`` otherwise: a 404, not a 403, so a user
    outside the scope is not even confirmed to exist)."""
    return users_managed(admin).get(pk=pk)
