"""Users of Jaring: a role and the regions they work in."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from jaring.accounts.roles import (
    CAPABILITIES,
    Capabilities,
    Role,
    birth_shown,
    mask_nik,
    mask_phone,
)


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.VILLAGE_OPERATOR
    )
    regions = models.ManyToManyField(
        "regions.Region",
        through="UserRegion",
        related_name="+",
        verbose_name=_("regions"),
        blank=True,
    )
    # Staff contact, to pass on a sign-in link (WhatsApp is how a desa is reached).
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # A password someone else chose (an admin's new account or reset) is changed at first
    # sign-in: every page leads to the password form until it is (accounts.middleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES[Role(self.role)]

    @cached_property
    def region_codes(self) -> tuple[str, ...] | None:
        """Codes of the regions this user may see; ``None`` means every region.

        Cached for the life of the object (one request), so restricting many querysets in a
        page costs one query — asked by almost every request, so written in SQL (the ORM's
        compiling cost more than the query on a cached page).
        """
        if not self.is_active:
            return ()
        if self.capabilities.all_regions:
            return None
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('region_id')} FROM {quote(UserRegion._meta.db_table)}"
                f" WHERE {quote('user_id')} = %s ORDER BY {quote('region_id')}",
                [self.pk],
            )
            return tuple(code for (code,) in cursor.fetchall())

    def get_additional_data(self) -> dict[str, Any]:
        """What the audit log keeps beside a change of this user: a region of theirs, so the
        trail of user changes is restricted like the users (the services name it before the
        regions exist; otherwise the first region)."""
        region = getattr(self, "audit_region", None)
        if region is None and self.pk is not None:
            region = (
                UserRegion.objects.filter(user_id=self.pk)
                .order_by("region_id")
                .values_list("region_id", flat=True)
                .first()
            )
        return {"region": region}

    def show_nik(self, nik: str) -> str:
        return nik if self.capabilities.see_full_nik else mask_nik(nik)

    def show_phone(self, phone: str) -> str:
        return phone if self.capabilities.see_phone else mask_phone(phone)

    def show_birth_date(self, birth_date: date | None) -> date | int | None:
        """The full date, or only the year for a role that does not see full NIKs."""
        return birth_shown(birth_date, full=self.capabilities.see_full_nik)


class UserRegion(models.Model):
    """One region a user works in; everything inside it (by code prefix) is visible."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="region_scopes")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("user region")
        verbose_name_plural = _("user regions")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="user_region_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.region_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"region": self.region_id}
