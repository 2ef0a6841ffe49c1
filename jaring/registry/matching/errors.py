"""Typed errors of the matching engine, each with an Indonesian and an English message.

``str(error)`` is the Indonesian message (the interface is Indonesian first); ``message_en``
holds the English one. Every check runs before any work starts, so a raised error means
nothing was computed, written or saved.
"""

from __future__ import annotations


class MatchingError(ValueError):
    """Base class: bad input for the matching engine."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.message_en = message_en


class MatchingInputError(MatchingError):
    """The people frame is missing columns, has the wrong types or impossible values."""


class TooFewRecordsError(MatchingError):
    """Too few people (or too few with a birth date) to learn the model from."""

    def __init__(self, message_id: str, message_en: str, *, found: int, minimum: int) -> None:
        super().__init__(message_id, message_en)
        self.found = found
        self.minimum = minimum


class ThresholdError(MatchingError):
    """A match-probability threshold outside 0–1."""

    def __init__(self, value: object) -> None:
        super().__init__(
            f"Ambang (threshold) harus angka antara 0 dan 1, bukan {value!r}.",
            f"The threshold must be a number between 0 and 1, not {value!r}.",
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
