"""The one exception of the claims app: a code and its parameters, rendered at display time in
the reader's language (:mod:`jaring.claims.messages`)."""

from __future__ import annotations

from jaring.claims.messages import message


class ClaimError(Exception):
    """Bad input or a step out of order; nothing was written. ``str()`` is the sentence in the
    active language."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)

    def __str__(self) -> str:
        return message(self.code, self.params)
