"""The message catalogue is complete and compiled: every msgid marked in code has its Indonesian,
and the committed .mo is the committed .po (``make messages`` keeps them so)."""

from __future__ import annotations

import ast
import gettext
import subprocess
from pathlib import Path

from django.conf import settings

from jaring.rules.messages import pgettext_noop

REPO = Path(settings.BASE_DIR)
LOCALE = REPO / "jaring" / "locale" / "id" / "LC_MESSAGES"


def _marked_msgids() -> set[str]:
    """Every literal passed to ``gettext_noop``/``pgettext_noop`` in the package."""
    found: set[str] = set()
    for path in (REPO / "jaring").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "gettext_noop" and len(args) == 1:
                found.add(args[0])
            elif node.func.id == "pgettext_noop" and len(args) == 2:
                found.add(pgettext_noop(args[0], args[1]))
    return found


def test_every_marked_message_has_its_indonesian() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    marked = _marked_msgids()
    assert len(marked) > 250
    missing = sorted(m for m in marked if m not in compiled._catalog)  # type: ignore[attr-defined]
    assert missing == [], "run `make messages` and translate the new entries"


def test_the_compiled_catalogue_is_the_po(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(LOCALE / "django.po")], check=True
    )
    with fresh.open("rb") as a, (LOCALE / "django.mo").open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]
