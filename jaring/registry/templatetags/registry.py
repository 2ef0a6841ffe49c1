"""Template filters that show personal data as the viewer's role allows."""

from __future__ import annotations

from typing import Any

from django import template

from jaring.registry.models import Person

register = template.Library()


@register.filter
def nik_for(person: Person, user: Any) -> str:
    """The NIK of ``person``, masked unless ``user``'s role needs the full number."""
    return str(user.show_nik(person.nik))


@register.filter
def phone_for(person: Person, user: Any) -> str:
    return str(user.show_phone(person.phone)) if person.phone_cipher else ""
