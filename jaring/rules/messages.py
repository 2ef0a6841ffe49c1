"""Messages in the reader's language: an English msgid and its parameters, rendered through
gettext when shown — Indonesian first, English second.

One message system for the whole project (ADR 0009): a problem, a label or an error is stored
and passed around as a :class:`Message` (or, in the database, its code and parameters) and
becomes a sentence only when it is shown. The msgid is the English sentence, marked for
extraction with :func:`gettext_noop`; ``make messages`` collects it into the project's catalogue
(``jaring/locale/id/LC_MESSAGES/django.po``), where it gets its Indonesian translation. This
module reads the compiled catalogue with the standard library's :mod:`gettext`, so the rules
engine (and ``jaring rules …``) speaks Indonesian without Django; Django's own ``gettext``
reads the same file, so pages say exactly the same.

Templates use ``str.format`` placeholders (``{income}``). A parameter may itself be a
:class:`Message` (a label such as "laki-laki"), rendered in the same language.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeAlias

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")
#: The project's catalogue (``make messages`` writes it), next to this package.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "django"

Param: TypeAlias = "str | Message"


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction into the catalogue; it is translated when rendered."""
    return message


#: How gettext keys a msgid with a context: ``context`` EOT ``msgid``.
_CONTEXT_SEPARATOR = "\x04"


def pgettext_noop(context: str, message: str) -> str:
    """Mark ``message`` for extraction with a ``context`` (``msgctxt``), for an English word that
    needs another Indonesian one here; returns the catalogue's key for it."""
    return f"{context}{_CONTEXT_SEPARATOR}{message}"


@lru_cache(maxsize=4)
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language``; English (the msgids) needs none."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def translate(msgid: str, language: str) -> str:
    """``msgid`` in ``language`` (the msgid itself, without its context, when it has no
    translation). An empty msgid is empty (gettext would give the catalogue's header)."""
    if not msgid:
        return ""
    text = catalogue(language).gettext(msgid)
    return text.rpartition(_CONTEXT_SEPARATOR)[2]


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence to be: its English ``msgid`` (a ``str.format`` template) and parameters."""

    msgid: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, msgid: str, /, **params: object) -> Message:
        """``Message.of("Income basis {income} …", income="Rp 900.000")``: parameters that are
        not messages are kept as text."""
        return cls(
            msgid,
            tuple(
                sorted(
                    (name, value if isinstance(value, Message) else str(value))
                    for name, value in params.items()
                )
            ),
        )

    def render(self, language: str = "id") -> str:
        """The sentence in ``language``."""
        values = {
            name: value.render(language) if isinstance(value, Message) else value
            for name, value in self.params
        }
        return translate(self.msgid, language).format(**values)

    def text_params(self) -> dict[str, str]:
        """The parameters as text (nested messages in English: their msgid rendered)."""
        return {
            name: value.render("en") if isinstance(value, Message) else value
            for name, value in self.params
        }

    def to_dict(self, key: str = "message") -> dict[str, str]:
        """The sentence in every language under ``<key>_<language>`` (``message_id``,
        ``message_en``): how the JSON of the CLI and the API gives a message — the one place
        such keys are made."""
        return {f"{key}_{language}": self.render(language) for language in LANGUAGES}


def labelled(value: str, labels: Mapping[str, str]) -> Param:
    """``labels[value]`` as a message to translate, or ``value`` itself when it has no label."""
    msgid = labels.get(value)
    return Message(msgid) if msgid is not None else value
