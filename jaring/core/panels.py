"""Sections a higher app adds to a lower app's page, without the lower app importing it.

The registry's person page shows every programme that has covered the person, but the
registry sits below the programmes app and may not import it. The programmes app registers a
panel for the page ``"person"`` when it starts (``AppConfig.ready``); the person view renders
whatever panels are registered. One typed list per page, no signals, no names in strings
beyond the page's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

Panel = Callable[[HttpRequest, Any], SafeString]

_PANELS: dict[str, list[Panel]] = defaultdict(list)


def panel_register(page: str, panel: Panel) -> None:
    """Show ``panel`` on ``page`` (once, however often an app starts)."""
    if panel not in _PANELS[page]:
        _PANELS[page].append(panel)


def panels_render(page: str, request: HttpRequest, obj: Any) -> list[SafeString]:
    """The registered panels of ``page`` for ``obj``, rendered in registration order."""
    return [panel(request, obj) for panel in _PANELS[page]]
