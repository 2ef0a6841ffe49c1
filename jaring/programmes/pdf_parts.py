"""Laying out the parts of a long lampiran PDF side by side, in worker processes.

This module imports nothing of Django or of the project: the workers start from a clean
interpreter (``forkserver``), not as forks of the process that asks for the PDF. That process
has threads — polars' pool, a web server's, a test runner's — and a fork copies their locks in
whatever state they are; a worker forked at the wrong moment crashed or hung (seen on CI as a
worker "terminated abruptly"). A worker started clean imports WeasyPrint once (about half a
second) and then lays out its parts.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def render_part(html: str) -> bytes:
    """One part's PDF."""
    import weasyprint

    return bytes(weasyprint.HTML(string=html).write_pdf())


def render_parts(
    htmls: list[Any], processes: int, render: Callable[[Any], bytes] = render_part
) -> Iterator[bytes]:
    """Each part's PDF, in order, as it is ready. ``render`` must be importable by name (a
    module-level function): the workers receive it by reference.

    A worker that dies (killed, out of memory) breaks the pool: the rendering fails with
    ``BrokenProcessPool`` and the file is marked failed, instead of waiting for its part
    forever (``multiprocessing.Pool`` replaces a dead worker and loses the part it held).
    """
    if len(htmls) == 1 or processes < 2:
        yield from map(render, htmls)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(min(processes, len(htmls)), mp_context=context) as pool:
        yield from pool.map(render, htmls)
