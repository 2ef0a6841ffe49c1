"""``jaring makemessages``: Django's, plus the project's two rules for the catalogue.

* ``pgettext_noop(context, msgid)`` (:mod:`jaring.rules.messages`) is extracted with its
  context, for an English word that needs two Indonesian ones;
* no fuzzy matching: a new msgid gets no guessed translation (a guess that reads well but says
  something else is worse than an empty one, which tests/core/test_pages.py reports).
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=pgettext_noop:1c,2"]
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
