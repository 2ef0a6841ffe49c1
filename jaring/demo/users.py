"""The demo's users: one of each role, in the regions of the seed reports."""

from __future__ import annotations

from dataclasses import dataclass

from jaring.accounts.models import User, UserRegion
from jaring.accounts.roles import Role

DEMO_PASSWORD = "jaring-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    regions: tuple[str, ...]


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("nasional", "Admin Nasional", Role.NATIONAL_ADMIN, ()),
    DemoUser("jateng", "Disnakertrans Jawa Tengah", Role.PROVINCIAL_ADMIN, ("33",)),
    DemoUser("kediri", "Disnaker Kota Kediri", Role.REGENCY_ADMIN, ("35.71",)),
    DemoUser("cilegon", "Disnaker Kota Cilegon", Role.REGENCY_ADMIN, ("36.72",)),
    DemoUser("mojokerto", "Disnaker Kab. Mojokerto", Role.REGENCY_ADMIN, ("35.16",)),
    DemoUser("pekalongan", "Dinperinaker Kota Pekalongan", Role.REGENCY_ADMIN, ("33.75",)),
    DemoUser(
        "operator.bandarlor", "Operator Kel. Bandar Lor", Role.VILLAGE_OPERATOR, ("35.71.01.1001",)
    ),
    DemoUser("operator.wunut", "Operator Desa Wunut", Role.VILLAGE_OPERATOR, ("33.10.19.2018",)),
    DemoUser("bpjs.kediri", "BPJS Ketenagakerjaan Cabang Kediri", Role.BPJS_VIEWER, ("35.71",)),
    DemoUser("auditor.kediri", "Inspektorat Kota Kediri", Role.AUDITOR, ("35.71",)),
)


def users_create() -> dict[str, User]:
    """Create every demo user with their regions; returns them by username."""
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        first, _, last = spec.full_name.partition(" ")
        user = User.objects.create_user(
            username=spec.username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            role=spec.role,
            is_staff=spec.role == Role.NATIONAL_ADMIN,
            is_superuser=spec.role == Role.NATIONAL_ADMIN,
        )
        UserRegion.objects.bulk_create(UserRegion(user=user, region_id=c) for c in spec.regions)
        users[spec.username] = user
    return users
