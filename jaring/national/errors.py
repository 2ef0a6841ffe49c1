"""Bad input for the national commands: one clear Indonesian message, nothing written."""

from __future__ import annotations


class NationalError(ValueError):
    """An export or an input the national commands refuse; ``str(error)`` says why, in
    Indonesian, naming the folder or part at fault."""
