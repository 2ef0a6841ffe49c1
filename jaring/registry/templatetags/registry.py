"""Template filters that show personal data as the viewer's role allows."""

from __future__ import annotations

import re
from typing import Any

from django import template

from jaring.core.messages import active_language
from jaring.registry.imports.problems import problem_spec
from jaring.registry.models import Person
from jaring.rules.messages import translate

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")

register = template.Library()


@register.filter
def nik_for(person: Person, user: Any) -> str:
    """The NIK of ``person``, masked unless ``user``'s role needs the full number."""
    return str(user.show_nik(person.nik))


@register.filter
def phone_for(person: Person, user: Any) -> str:
    return str(user.show_phone(person.phone)) if person.phone_cipher else ""


@register.filter
def birth_for(person: Person, user: Any) -> str:
    """The birth date of ``person`` ("17-08-1980"), or its year alone for a role that does not
    see full identities (day and month are digits of the NIK)."""
    shown = user.show_birth_date(person.birth_date)
    if shown is None:
        return ""
    if isinstance(shown, int):
        return str(shown)
    return shown.strftime("%d-%m-%Y")


@register.filter
def problem_kind(code: str) -> str:
    """A kind of import problem in words: its message with the row's values left out
    ("NIK … tidak 16 angka"), so a list of kinds reads as sentences, the code only a hint."""
    try:
        spec = problem_spec(code)
    except KeyError:
        return code
    text = translate(spec.template, active_language())
    return _PLACEHOLDER.sub("…", text)
