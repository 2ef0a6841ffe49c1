"""Reading the command line's values with one clear message each (shared by ``programme`` and
``sk``): numbers, rupiah, months, dates, and the user a command acts as."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from jaring.rules.months import Month

if TYPE_CHECKING:
    from jaring.accounts.models import User


def whole(text: str | None, what: str) -> int | None:
    """A whole number ≥ 0 ('1.000' and '1,000' read as a thousand)."""
    if text is None:
        return None
    cleaned = re.sub(r"[.,\s_]", "", text.strip())
    if cleaned.startswith("-") and cleaned[1:].isdigit():
        raise CommandError(f"{what} tidak boleh negatif: {text!r}.")
    if not cleaned.isdigit():
        raise CommandError(f"{what} harus bilangan bulat, bukan {text!r}.")
    return int(cleaned)


def rupiah(text: str | None, what: str) -> int | None:
    """Rupiah as people write them: '624960000', '624.960.000', 'Rp 624.960.000'."""
    if text is None:
        return None
    return whole(re.sub(r"^\s*rp\.?\s*", "", text, flags=re.IGNORECASE), what)


def month(text: str | None, what: str) -> Month | None:
    if text is None:
        return None
    try:
        return Month.parse(text)
    except ValueError:
        raise CommandError(
            f"{what} {text!r} tidak dapat dibaca; tulis TTTT-BB, misalnya 2024-01."
        ) from None


def day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{what} {text!r} tidak dapat dibaca; tulis TTTT-BB-HH, misalnya 2023-08-28."
        ) from None


def acting_user(username: str | None) -> User | None:
    """The user named by ``--user`` (their regions and role apply), or None: the command line
    itself, with every region (its exports are recorded as cli:account@host)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Pengguna {username!r} tidak ada atau tidak aktif.")
    return user
