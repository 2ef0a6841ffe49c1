"""The one exception of the programmes app: a code and its parameters, rendered at display
time in the reader's language."""

from __future__ import annotations

from jaring.programmes.messages import message


class ProgrammeError(Exception):
    """Bad input or a forbidden change: a code and its parameters; ``str()`` is the sentence
    in the active language."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)

    def __str__(self) -> str:
        return message(self.code, self.params)
