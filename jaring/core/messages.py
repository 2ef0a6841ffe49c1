"""Messages shown in the language of the request (Indonesian unless the user chose English).

Everything that reaches a page as a sentence — a stored problem, an error, a label — is a
:class:`jaring.rules.messages.Message` until here; :func:`shown` renders it in the active
language (see :mod:`jaring.core.middleware`), through the same catalogue Django reads.
"""

from __future__ import annotations

from django.utils import translation

from jaring.rules.messages import Language, Message


def active_language() -> Language:
    """``"en"`` when the request's language is English, else ``"id"``."""
    return "en" if (translation.get_language() or "").startswith("en") else "id"


def shown(message: Message) -> str:
    """``message`` in the active language."""
    return message.render(active_language())


def api_detail(message: Message) -> dict[str, str]:
    """``{"detail": …, "detail_en": …}``: how the API gives a message with an error (Indonesian
    under DRF's usual key, English beside it)."""
    return {"detail": message.render("id"), "detail_en": message.render("en")}
