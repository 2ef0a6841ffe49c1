"""Writes of user management: create, change, deactivate, reset a password, import a list of
desa operators. Each checks that the acting administrator may give the role and the regions
(never above their own: ``roles.role_grantable``, ``scoping.region_in_scope``), is atomic, and is
audited by django-auditlog with the administrator as actor (bulk creations write their entries
themselves). The command line acts as nobody in particular (``admin=None``): the server's owner.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from jaring.accounts.errors import AccountError, account_message
from jaring.accounts.models import User, UserRegion
from jaring.accounts.roles import Role, role_grantable
from jaring.core.scoping import region_in_scope
from jaring.regions.models import Region
from jaring.rules.messages import Message

PHONE = re.compile(r"^\+?[0-9][0-9 .-]{6,18}$")
# Letters that are not mistaken for one another when read aloud or copied from a phone.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def password_new() -> str:
    """A password to pass on once: 14 characters, about 80 bits."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(14))


def password_link(user: User) -> str:
    """The path of a one-time link that lets ``user`` choose a password (it stops working once
    used, or when the password changes otherwise; Django's ``PASSWORD_RESET_TIMEOUT``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password-set", args=[uid, default_token_generator.make_token(user)])


@dataclass(frozen=True)
class UserSpec:
    """A user as an administrator describes one."""

    username: str
    role: str
    regions: tuple[str, ...]
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class Created:
    """A user just created, with what is shown once: a password or a one-time link."""

    user: User
    password: str | None = None
    link: str | None = None
    regions: tuple[str, ...] = field(default_factory=tuple)


def _may_manage(admin: User | None) -> None:
    if admin is not None and not admin.capabilities.manage_users:
        raise AccountError("NOT_ALLOWED")


def _role(admin: User | None, text: str) -> Role:
    try:
        role = Role(text.strip())
    except ValueError:
        raise AccountError("ROLE_UNKNOWN", role=text, roles=", ".join(Role.values)) from None
    if admin is not None and not role_grantable(role, by=Role(admin.role)):
        raise AccountError("ROLE_ABOVE_YOURS", role=str(role.label))
    return role


def _regions(admin: User | None, role: Role, codes: Iterable[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted and role != Role.NATIONAL_ADMIN:
        raise AccountError("REGION_MISSING")
    known = set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    for code in wanted:
        if code not in known:
            raise AccountError("REGION_UNKNOWN", code=code)
        if admin is not None and not region_in_scope(admin, code):
            raise AccountError("REGION_OUT_OF_SCOPE", code=code)
    return wanted


def _contact(email: str, phone: str) -> tuple[str, str]:
    email, phone = email.strip(), phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise AccountError("EMAIL_INVALID", email=email) from None
    if phone and not PHONE.match(phone):
        raise AccountError("PHONE_INVALID", phone=phone)
    return email, phone


def _username(text: str) -> str:
    username = text.strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise AccountError("USERNAME_INVALID", username=username) from None
    if not username or len(username) > 150:
        raise AccountError("USERNAME_INVALID", username=username)
    return username


def _name_parts(name: str) -> tuple[str, str]:
    first, _sep, last = " ".join(name.split()).partition(" ")
    return first[:150], last[:150]


def user_create(*, admin: User | None, spec: UserSpec) -> Created:
    """Create one user with a password shown once, to be changed at first sign-in."""
    _may_manage(admin)
    username = _username(spec.username)
    role = _role(admin, spec.role)
    regions = _regions(admin, role, spec.regions)
    email, phone = _contact(spec.email, spec.phone)
    password = password_new()
    first, last = _name_parts(spec.name)
    with transaction.atomic(), set_actor(admin):
        if User.objects.filter(username__iexact=username).exists():
            raise AccountError("USERNAME_TAKEN", username=username)
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            role=role,
            must_change_password=True,
            is_staff=role == Role.NATIONAL_ADMIN,
        )
        user.set_password(password)
        user.audit_region = regions[0] if regions else None  # type: ignore[attr-defined]
        user.save()
        for code in regions:
            UserRegion.objects.create(user=user, region_id=code)
    return Created(user=user, password=password, regions=regions)


def user_update(
    *,
    admin: User | None,
    user: User,
    expected_updated: str,
    name: str,
    role: str,
    regions: Sequence[str],
    email: str = "",
    phone: str = "",
) -> User:
    """Change a user's name, contact, role and regions. ``expected_updated`` is the state the
    administrator saw (:func:`user_state`): a user changed meanwhile is refused, not
    overwritten."""
    _may_manage(admin)
    if admin is not None and admin.pk == user.pk:
        raise AccountError("USER_SELF")
    new_role = _role(admin, role)
    codes = _regions(admin, new_role, regions)
    email, phone = _contact(email, phone)
    first, last = _name_parts(name)
    with transaction.atomic(), set_actor(admin):
        locked = _locked(admin, user, expected_updated)
        locked.first_name, locked.last_name = first, last
        locked.email, locked.phone, locked.role = email, phone, new_role
        locked.is_staff = new_role == Role.NATIONAL_ADMIN
        locked.audit_region = codes[0] if codes else None  # type: ignore[attr-defined]
        locked.save()
        current = {r.region_id: r for r in locked.region_scopes.all()}
        for code, scope in current.items():
            if code not in codes:
                scope.delete()
        for code in codes:
            if code not in current:
                UserRegion.objects.create(user=locked, region_id=code)
    return locked


def user_active_set(*, admin: User | None, user: User, active: bool, expected_updated: str) -> User:
    """Deactivate a user (signed out at once, tokens refused, history kept) or reactivate one."""
    _may_manage(admin)
    if admin is not None and admin.pk == user.pk:
        raise AccountError("USER_SELF")
    with transaction.atomic(), set_actor(admin):
        locked = _locked(admin, user, expected_updated)
        locked.is_active = active
        locked.save(update_fields=["is_active"])
    return locked


def user_password_reset(*, admin: User | None, user: User, expected_updated: str) -> str:
    """A new password for ``user``, shown once to the administrator and to be changed at first
    sign-in; their other sessions end (the session hash changes with the password)."""
    _may_manage(admin)
    if admin is not None and admin.pk == user.pk:
        raise AccountError("USER_SELF")
    password = password_new()
    with transaction.atomic(), set_actor(admin):
        locked = _locked(admin, user, expected_updated)
        locked.set_password(password)
        locked.must_change_password = True
        locked.save(update_fields=["password", "must_change_password"])
        # The trail never holds the password; that it was reset, by whom, it does.
        LogEntry.objects.log_create(
            locked,
            action=LogEntry.Action.UPDATE,
            changes={"password": ["***", "***"]},
            actor=admin,
            additional_data={**locked.get_additional_data(), "event": "password_reset"},
            force_log=True,
        )
    return password


def password_changed(*, user: User) -> None:
    """``user`` chose their own password: the first-sign-in requirement is met."""
    if user.must_change_password:
        with set_actor(user):
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])


def user_state(user: User) -> str:
    """What a form carries to detect a change made meanwhile: the fields an admin changes."""
    codes = ",".join(sorted(r.region_id for r in user.region_scopes.all()))
    return f"{user.role}|{int(user.is_active)}|{user.password[-12:]}|{codes}"


def _locked(admin: User | None, user: User, expected_updated: str) -> User:
    from jaring.accounts.selectors import users_managed

    users = users_managed(admin) if admin is not None else User.objects.all()
    locked = users.select_for_update().filter(pk=user.pk).first()
    if locked is None:
        raise AccountError("USER_OUT_OF_SCOPE", username=user.username)
    if user_state(locked) != expected_updated:
        raise AccountError("STATE_CHANGED", username=user.username)
    return locked


# --- a list of users from a workbook --------------------------------------------------------

#: The workbook's columns and the names people give them.
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("username", "nama pengguna", "user"),
    "name": ("name", "nama", "nama lengkap"),
    "region": ("desa code", "kode desa", "kode wilayah", "region", "desa", "kode"),
    "role": ("role", "peran"),
    "contact": ("phone or email", "hp atau email", "kontak", "contact", "phone", "email", "hp"),
}


def _header_map(columns: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for column in columns:
        key = " ".join(str(column).lower().replace("_", " ").split())
        for name, aliases in IMPORT_COLUMNS.items():
            if key in aliases and name not in found:
                found[name] = column
    return found


ROLE_WORDS: dict[str, Role] = {
    "operator desa": Role.VILLAGE_OPERATOR,
    "operator kelurahan": Role.VILLAGE_OPERATOR,
    "operator": Role.VILLAGE_OPERATOR,
    "admin kabupaten": Role.REGENCY_ADMIN,
    "admin kota": Role.REGENCY_ADMIN,
    "disnaker": Role.REGENCY_ADMIN,
    "bpjs": Role.BPJS_VIEWER,
}


def _role_text(text: str) -> str:
    key = " ".join(text.lower().replace("/", " ").split())
    return ROLE_WORDS[key].value if key in ROLE_WORDS else key.replace(" ", "_")


def users_template() -> bytes:
    """The workbook of a list of users to fill in: the columns :func:`users_file_read` reads."""
    buffer = io.BytesIO()
    pl.DataFrame(
        {
            "username": ["op.bandarlor"],
            "nama": ["Siti Aminah"],
            "kode desa": ["35.71.01.1001"],
            "peran": ["operator desa"],
            "HP atau email": ["081234567890"],
        }
    ).write_excel(buffer, worksheet="pengguna", autofit=True)
    return buffer.getvalue()


def users_file_read(path: Path) -> list[dict[str, str]]:
    """The rows of a list of users (xlsx or csv) as ``{column: text}`` by the names of
    :data:`IMPORT_COLUMNS`; a file without the needed columns is refused."""
    try:
        if path.suffix.lower() == ".csv":
            frame = pl.read_csv(path, infer_schema=False)
        else:
            frame = pl.read_excel(path, infer_schema_length=0)
    except Exception as exc:
        raise AccountError("FILE_UNREADABLE", reason=type(exc).__name__) from None
    headers = _header_map(frame.columns)
    missing = [name for name in ("username", "region") if name not in headers]
    if missing:
        raise AccountError("FILE_COLUMNS", columns=", ".join(missing))
    frame = frame.select(
        pl.col(column).cast(pl.String).fill_null("").alias(name) for name, column in headers.items()
    )
    return [row for row in frame.to_dicts() if any(v.strip() for v in row.values())]


def users_import(*, admin: User | None, rows: Sequence[dict[str, str]]) -> list[Created]:
    """Create every user of a list (columns as :data:`IMPORT_COLUMNS`), or none: each row is
    checked like :func:`user_create`, and any problem refuses the whole list with every
    problem named by its row. Each user gets a one-time link to choose their password (no
    password to pass on, and none hashed for hundreds of rows)."""
    _may_manage(admin)
    if not rows:
        raise AccountError("FILE_EMPTY")
    problems: list[Message] = []
    specs: list[tuple[int, str, str, Role, tuple[str, ...], str, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        try:
            username = _username(row.get("username", ""))
            if username.lower() in seen:
                raise AccountError("USERNAME_TWICE", username=username)
            seen.add(username.lower())
            role = _role(admin, _role_text(row.get("role") or "village_operator"))
            codes = _regions(admin, role, re.split(r"[,;\s]+", row.get("region", "")))
            contact = (row.get("contact") or "").strip()
            email, phone = _contact(contact, "") if "@" in contact else _contact("", contact)
        except AccountError as exc:
            problems.append(account_message("ROW", {"row": number, "problem": exc.message}))
            continue
        name = " ".join((row.get("name") or "").split())
        specs.append((number, username, name, role, codes, email, phone))
    wanted = [spec[1].lower() for spec in specs]
    taken = set(
        User.objects.annotate(key=Lower("username"))
        .filter(key__in=wanted)
        .values_list("key", flat=True)
    )
    for number, username, *_rest in specs:
        if username.lower() in taken:
            taken_message = account_message("USERNAME_TAKEN", {"username": username})
            problems.append(account_message("ROW", {"row": number, "problem": taken_message}))
    if problems:
        problems.sort(key=lambda m: int(dict(m.params)["row"]))  # type: ignore[arg-type]
        raise AccountError("FILE_REFUSED", problems=tuple(problems), count=len(problems))
    return _users_bulk_create(admin, specs)


def _users_bulk_create(
    admin: User | None, specs: list[tuple[int, str, str, Role, tuple[str, ...], str, str]]
) -> list[Created]:
    with transaction.atomic():
        users = []
        for _number, username, name, role, _codes, email, phone in specs:
            first, last = _name_parts(name)
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                role=role,
                is_staff=role == Role.NATIONAL_ADMIN,
                must_change_password=True,
            )
            user.set_unusable_password()
            users.append(user)
        User.objects.bulk_create(users, batch_size=500)
        if any(u.pk is None for u in users):  # a database without RETURNING
            ids = dict(
                User.objects.filter(username__in=[u.username for u in users]).values_list(
                    "username", "pk"
                )
            )
            for user in users:
                user.pk = ids[user.username]
        scopes = [
            UserRegion(user=user, region_id=code)
            for user, spec in zip(users, specs, strict=True)
            for code in spec[4]
        ]
        UserRegion.objects.bulk_create(scopes, batch_size=1000)
        _audit_created(admin, users, specs)
    return [
        Created(user=user, link=password_link(user), regions=spec[4])
        for user, spec in zip(users, specs, strict=True)
    ]


def _audit_created(
    admin: User | None,
    users: list[User],
    specs: list[tuple[int, str, str, Role, tuple[str, ...], str, str]],
) -> None:
    """One CREATE entry per user and per region given, as ``save()`` would have written."""
    now = timezone.now()
    user_type = ContentType.objects.get_for_model(User)
    entries = []
    for user, spec in zip(users, specs, strict=True):
        region = spec[4][0] if spec[4] else None
        entries.append(
            LogEntry(
                content_type=user_type,
                object_pk=str(user.pk),
                object_id=user.pk,
                object_repr=user.username,
                action=LogEntry.Action.CREATE,
                changes={
                    "username": ["None", user.username],
                    "first_name": ["None", user.first_name],
                    "last_name": ["None", user.last_name],
                    "role": ["None", user.role],
                    "email": ["None", user.email],
                    "phone": ["None", user.phone],
                },
                changes_text="",
                actor=admin,
                timestamp=now,
                additional_data={"region": region, "regions": list(spec[4]), "via": "import"},
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)
