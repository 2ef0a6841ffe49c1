"""Typed errors of the matching engine, each with its :class:`~jaring.rules.messages.Message`.

``str(error)`` is the message in Indonesian (the interface is Indonesian first); pages and
commands render :attr:`MatchingError.message` in the reader's language. Every check runs before
any work starts, so a raised error means nothing was computed, written or saved.
"""

from __future__ import annotations

from jaring.rules.messages import Message, gettext_noop


class MatchingError(ValueError):
    """Base class: bad input for the matching engine."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("id"))
        self.message = message


class MatchingInputError(MatchingError):
    """The people frame is missing columns, has the wrong types or impossible values."""


class TooFewRecordsError(MatchingError):
    """Too few people (or too few with a birth date) to learn the model from."""

    def __init__(self, message: Message, *, found: int, minimum: int) -> None:
        super().__init__(message)
        self.found = found
        self.minimum = minimum


class ThresholdError(MatchingError):
    """A match-probability threshold outside 0–1."""

    def __init__(self, value: object) -> None:
        super().__init__(
            Message.of(
                gettext_noop("The threshold must be a number between 0 and 1, not {value}."),
                value=repr(value),
            )
        )
        self.value = value


class ModelFileError(MatchingError):
    """A saved model that cannot be read, or was made for other comparisons."""


def check_threshold(threshold: object) -> float:
    """``threshold`` as a float in [0, 1], or :class:`ThresholdError`."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ThresholdError(threshold)
    value = float(threshold)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ThresholdError(threshold)
    return value
