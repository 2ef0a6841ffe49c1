"""The one exception of the finance app: a code and its parameters, rendered at display time
in the reader's language (:mod:`jaring.finance.messages`)."""

from __future__ import annotations

from jaring.finance.messages import message


class FinanceError(Exception):
    """Bad input or a forbidden change; nothing was written. ``str()`` is the sentence in the
    active language."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)

    def __str__(self) -> str:
        return message(self.code, self.params)
