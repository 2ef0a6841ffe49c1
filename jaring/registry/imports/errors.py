"""The typed errors of the import front-end: one code, a message in Indonesian and English."""

from __future__ import annotations

from collections.abc import Mapping

from jaring.registry.imports.problems import FILE_CODES, render


class ImportFileError(Exception):
    """A file that cannot be imported at all; nothing of it may be stored.

    ``code`` is a stable code of :data:`~jaring.registry.imports.problems.IMPORT_PROBLEM_SPECS`
    (``FILE_EMPTY``, ``FILE_ENCRYPTED``, ...); ``message_id``/``message_en`` name the file and,
    where it applies, the sheet, row and column; ``params`` holds the values in the message.
    """

    def __init__(self, code: str, *, file_name: str, **params: object) -> None:
        if code not in FILE_CODES:
            raise KeyError(f"{code!r} is not a file-level import code")
        self.code = code
        self.file_name = file_name
        self.params: Mapping[str, str] = {
            "file": file_name,
            **{k: str(v) for k, v in params.items()},
        }
        self.message_id = render(code, "id", **self.params)
        self.message_en = render(code, "en", **self.params)
        super().__init__(f"{code}: {self.message_en}")

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message_id": self.message_id,
            "message_en": self.message_en,
            "params": dict(self.params),
        }


class MappingError(ImportFileError):
    """The columns cannot be tied to fields (no NIK or name column, a mapping naming a header
    the file does not have). ``guess`` keeps what was found, so a page can offer it for
    correction; ``headers`` are the headers read."""

    def __init__(
        self,
        code: str,
        *,
        file_name: str,
        headers: list[str],
        guess: Mapping[str, str] | None = None,
        **params: object,
    ) -> None:
        self.headers = headers
        self.guess = dict(guess or {})
        super().__init__(code, file_name=file_name, **params)
