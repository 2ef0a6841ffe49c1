"""What can go wrong in an import: the problem codes, in the style of :mod:`jaring.rules.problems`,
and the two errors that stop a file.

NIK codes and the income-basis codes live in the rules engine's registry and are reused as they
are; this module registers everything else an import can report: file-level failures (raised
as :class:`ImportFileError`, or :class:`MappingError` when the columns cannot be tied to fields)
and row-level problems (the rows of :attr:`~jaring.registry.imports.checking.CheckedTable.
problems`, found by :mod:`jaring.registry.imports.checking.findings`). Codes are stable: never
rename one, add a new one instead. Every stage uses this module; it imports none of them.

A problem is kept as its code and parameters (JSON, :func:`params_expr`) and becomes a sentence
in the reader's language only when shown (:mod:`jaring.rules.messages`): one message with
:func:`problem_message`, a whole column with :func:`problem_messages` (one ``pl.format`` per
code, so a million rows cost their few codes). :func:`problem_spec` looks a code up in both
registries.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

import polars as pl

from jaring.rules.messages import Language, Message, gettext_noop, translate
from jaring.rules.months import MONTH_NAMES
from jaring.rules.problems import PROBLEM_SPECS, SEX_LABELS, ProblemSpec, Severity

_PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")
#: A stored problem whose parameters could not be recovered from its old sentence keeps the
#: sentence under this key (migration registry 0003); it is shown as it was.
LEGACY_TEXT = "_text"


def _spec(
    code: str,
    severity: Severity,
    field: str | None,
    template: str,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> ProblemSpec:
    return ProblemSpec(code, severity, field, template, labels or {})


_FILE_SPECS: tuple[ProblemSpec, ...] = (
    _spec("FILE_EMPTY", "error", None, gettext_noop("File {file} is empty.")),
    _spec(
        "FILE_TOO_LARGE",
        "error",
        None,
        gettext_noop(
            "File {file} is {size}, above the limit of {limit}. Split the data into smaller files."
        ),
    ),
    _spec(
        "FILE_ENCRYPTED",
        "error",
        None,
        gettext_noop(
            "File {file} is password-protected. Open it in Excel, remove the password (File > "
            "Info > Protect Workbook > Encrypt with Password, clear it), save and upload again."
        ),
    ),
    _spec(
        "FILE_UNPACKS_TOO_LARGE",
        "error",
        None,
        gettext_noop(
            "File {file} ({size}) unpacks to more than {limit}; an ordinary list is not that "
            "large. Open it in Excel and save it again as .xlsx, or split it into several files."
        ),
    ),
    _spec(
        "FILE_CORRUPT",
        "error",
        None,
        gettext_noop(
            "File {file} is damaged or not a valid {kind} file ({reason}). Open it in Excel and "
            "save it again as .xlsx."
        ),
    ),
    _spec(
        "FILE_UNSUPPORTED",
        "error",
        None,
        gettext_noop("The type of file {file} is not supported ({kind}). Use .xlsx, .xls or .csv."),
        {"kind": {"binary": gettext_noop("binary file")}},
    ),
    _spec(
        "FILE_HTML_TABLE",
        "error",
        None,
        gettext_noop(
            "File {file} is a web page (HTML) saved as .xls and holds no readable table. Open it "
            "in Excel and save it as .xlsx."
        ),
    ),
    _spec(
        "FILE_ENCODING",
        "error",
        None,
        gettext_noop("File {file} cannot be read as UTF-8, UTF-16 or Windows-1252 text."),
    ),
    _spec(
        "FILE_NO_HEADER",
        "error",
        None,
        gettext_noop(
            "No header row found in file {file} (sheets: {sheets}; first {rows} rows searched). "
            "Make sure one row holds column titles such as NIK and Nama."
        ),
    ),
    _spec(
        "FILE_NO_ROWS",
        "error",
        None,
        gettext_noop("File {file} has no data below the header (sheet {sheet}, row {row})."),
    ),
    _spec(
        "FILE_NO_NIK_COLUMN",
        "error",
        "nik",
        gettext_noop(
            "No NIK column found in file {file}. Headers read: {columns}. Choose the NIK column "
            "manually or title it 'NIK'."
        ),
    ),
    _spec(
        "FILE_NO_NAME_COLUMN",
        "error",
        "name",
        gettext_noop(
            "No name column found in file {file}. Headers read: {columns}. Choose the name "
            "column manually or title it 'Nama'."
        ),
    ),
    _spec(
        "SHEET_NOT_FOUND",
        "error",
        None,
        gettext_noop("Sheet {sheet} does not exist in file {file}. Sheets present: {sheets}."),
    ),
    _spec(
        "MAPPING_UNKNOWN_FIELD",
        "error",
        None,
        gettext_noop("Unknown field {field}. Known fields: {fields}."),
    ),
    _spec(
        "MAPPING_HEADER_NOT_FOUND",
        "error",
        None,
        gettext_noop(
            "Column {header} (for {field}) does not exist in file {file}. Columns: {columns}."
        ),
    ),
    _spec(
        "MAPPING_HEADER_TWICE",
        "error",
        None,
        gettext_noop("Column {header} is used for more than one field ({fields})."),
    ),
)

_ROW_SPECS: tuple[ProblemSpec, ...] = (
    # --- cells ------------------------------------------------------------------------------
    # A cell that cannot be read loses its value, not the person: a NIK or name cell that
    # cannot be read is rejected by the NIK and name checks themselves.
    _spec(
        "CELL_FORMULA_NO_VALUE",
        "warning",
        None,
        gettext_noop(
            "The cell holds a formula with no stored value, so its value is not used; open the "
            "file in Excel, save it and upload again."
        ),
    ),
    _spec(
        "CELL_ERROR_VALUE",
        "warning",
        None,
        gettext_noop("The cell holds the Excel error value {value}; its value is not used."),
    ),
    _spec(
        "ROW_EXTRA_FIELDS",
        "hold",
        None,
        gettext_noop(
            "This row has more fields than there are headers (e.g. an unquoted comma/semicolon "
            "in the address), so its columns are shifted: {value}. Held until someone checks it."
        ),
    ),
    # --- name --------------------------------------------------------------------------------
    _spec("NAME_MISSING", "error", "name", gettext_noop("The name is empty.")),
    # --- birth date --------------------------------------------------------------------------
    # The NIK carries the birth date (RULES.md §4): a birth date column that cannot be read
    # falls back on it; one that can be read but cannot be right is for a person to check.
    _spec(
        "BIRTH_DATE_INVALID",
        "warning",
        "birth_date",
        gettext_noop(
            "Birth date {value} cannot be read or does not exist (write day-month-year, e.g. "
            "12-05-1980); taken from the NIK: {date}."
        ),
    ),
    _spec(
        "BIRTH_DATE_MONTH_FIRST",
        "warning",
        "birth_date",
        gettext_noop(
            "Birth date {value} only makes sense read as month-day-year; read as {date}. Check it."
        ),
    ),
    _spec(
        "BIRTH_DATE_FROM_NIK",
        "warning",
        "birth_date",
        gettext_noop("Birth date is empty; taken from the NIK: {date}."),
    ),
    _spec(
        "BIRTH_DATE_FUTURE",
        "hold",
        "birth_date",
        gettext_noop("Birth date {date} is in the future; held until someone corrects it."),
    ),
    _spec(
        "AGE_BELOW_MINIMUM",
        "hold",
        "birth_date",
        gettext_noop(
            "Age {age} (born {date}) is below the working age of {minimum}; held until someone "
            "checks the birth date."
        ),
    ),
    _spec(
        "AGE_ABOVE_MAXIMUM",
        "warning",
        "birth_date",
        gettext_noop("Age {age} (born {date}) is above {maximum}; check the birth date."),
    ),
    # --- sex ---------------------------------------------------------------------------------
    _spec(
        "SEX_FROM_NIK",
        "warning",
        "sex",
        gettext_noop("Sex is empty; taken from the NIK: {sex} ({sex_label})."),
        {"sex_label": SEX_LABELS},
    ),
    _spec(
        "SEX_UNREADABLE",
        "warning",
        "sex",
        gettext_noop("Sex {value} is not recognised (use L or P); taken from the NIK."),
    ),
    # --- region ------------------------------------------------------------------------------
    # A row's place is never a reason to refuse a worker: when it cannot be told, the row is
    # held until someone chooses the village (RULES.md §3: a registration carries the address and
    # its region code; the place decides only where the person is counted, never whether).
    _spec(
        "VILLAGE_MISSING",
        "hold",
        "desa",
        gettext_noop(
            "The desa/kelurahan is empty and the list's place was not chosen at upload; held "
            "until someone chooses the village."
        ),
    ),
    _spec(
        "VILLAGE_UNKNOWN",
        "hold",
        "desa",
        gettext_noop(
            "Desa/kelurahan {value} is not found in this kabupaten/kota; held until someone "
            "chooses the village."
        ),
    ),
    _spec(
        "VILLAGE_AMBIGUOUS",
        "hold",
        "desa",
        gettext_noop(
            "Desa/kelurahan {value} could be several villages ({candidates}) and the NIK does not "
            "tell which; held until someone chooses the village."
        ),
    ),
    _spec(
        "VILLAGE_FUZZY",
        "warning",
        "desa",
        gettext_noop("Desa/kelurahan {value} was read as {village} (similar spelling). Check it."),
    ),
    _spec(
        "VILLAGE_FROM_NIK",
        "warning",
        "desa",
        gettext_noop(
            "Desa/kelurahan {value} is the name of several villages; the kecamatan of the NIK "
            "({kecamatan}) has one of them: read as {village}. Check it."
        ),
    ),
    _spec(
        "VILLAGE_OUTSIDE_IMPORT",
        "hold",
        "desa",
        gettext_noop(
            "Desa/kelurahan {value} is outside the place chosen for this list ({village}); held "
            "until someone confirms the village."
        ),
    ),
    _spec(
        "KECAMATAN_UNKNOWN",
        "warning",
        "kecamatan",
        gettext_noop("Kecamatan {value} is not found in this kabupaten/kota."),
    ),
    _spec(
        "KECAMATAN_MISMATCH",
        "warning",
        "kecamatan",
        gettext_noop("Kecamatan {value} does not match desa/kelurahan {village} (code {code})."),
    ),
    _spec(
        "RT_RW_INVALID",
        "warning",
        "rt_rw",
        gettext_noop("RT/RW {value} cannot be read (write e.g. 003/002); kept as written."),
    ),
    # --- phone, occupation, income -----------------------------------------------------------
    _spec(
        "PHONE_INVALID",
        "warning",
        "phone",
        gettext_noop(
            "Phone number {value} is not valid (08… or a landline, 9-13 digits with the 0); not "
            "stored."
        ),
    ),
    _spec(
        "OCCUPATION_MISSING",
        "warning",
        "occupation",
        gettext_noop("The occupation is empty; choose its category in review."),
    ),
    _spec(
        "OCCUPATION_FUZZY",
        "warning",
        "occupation",
        gettext_noop(
            "Occupation {value} was read as category {category} (similar spelling). Check it."
        ),
    ),
    _spec(
        "OCCUPATION_UNCLASSIFIED",
        "warning",
        "occupation",
        gettext_noop("Occupation {value} matches no category; choose one in review."),
    ),
    _spec(
        "INCOME_UNREADABLE",
        "warning",
        "income",
        gettext_noop(
            "Declared income {value} cannot be read (write e.g. 1.000.000); not stored. The "
            "contribution basis comes from the programme."
        ),
    ),
    # --- duplicates --------------------------------------------------------------------------
    _spec(
        # Neutral on purpose (issue 14): no region, no name, nothing of the other record.
        "NIK_IN_ANOTHER_REGION",
        "warning",
        "nik",
        gettext_noop(
            "This NIK is registered in another region: contact that region's Disnaker before "
            "listing the person here."
        ),
    ),
    _spec(
        "NIK_DUPLICATE_IN_FILE",
        "warning",
        "nik",
        gettext_noop(
            "This NIK already appears at {sheet} row {row} with the same data; this row is skipped."
        ),
    ),
    _spec(
        "NIK_DUPLICATE_SAME_PERSON",
        "warning",
        "nik",
        gettext_noop(
            "This NIK already appears at {sheet} row {row} for the same person (same name and "
            "birth date); this row is not saved again. It differs in: {differs}."
        ),
    ),
    # One NIK is one participant (RULES.md §3): rows of one NIK naming different people are
    # held, shown side by side, and a person picks the right one or neither.
    _spec(
        "NIK_DUPLICATE_CONFLICT",
        "hold",
        "nik",
        gettext_noop(
            "This NIK appears {count} times in the file for different people (another name or "
            "birth date; rows {rows}); held until someone picks the right row or none."
        ),
    ),
)

# A list naming a registered person with another name, birth date or sex: what identifies a
# person is never changed by a list on its own (plan.IDENTITY); the change is shown, before and
# after, and waits for a person's confirmation. The rest of the row is applied.
_CHANGE_SPECS: tuple[ProblemSpec, ...] = (
    _spec(
        "PERSON_NAME_CHANGE_HELD",
        "hold",
        "name",
        gettext_noop(
            "The registered name would change: {before} → {after}. Kept as registered until "
            "someone confirms the change."
        ),
    ),
    _spec(
        "PERSON_BIRTH_DATE_CHANGE_HELD",
        "hold",
        "birth_date",
        gettext_noop(
            "The registered birth date would change: {before} → {after}. Kept as registered "
            "until someone confirms the change."
        ),
    ),
    _spec(
        "PERSON_SEX_CHANGE_HELD",
        "hold",
        "sex",
        gettext_noop(
            "The registered sex would change: {before} → {after}. Kept as registered until "
            "someone confirms the change."
        ),
        {"before": SEX_LABELS, "after": SEX_LABELS},
    ),
)

# An import that cannot start, or that stopped: said on the page, in the API and by the CLI,
# and kept on the batch (``error_code``) when a run failed.
_REQUEST_SPECS: tuple[ProblemSpec, ...] = (
    _spec(
        "REGION_UNKNOWN",
        "error",
        "region",
        gettext_noop(
            "Unknown region code {code}; use a Kemendagri code such as 35.71 or 35.71.01.1001."
        ),
    ),
    _spec(
        "REGION_TOO_WIDE",
        "error",
        "region",
        gettext_noop("{region} is a province; import lists per regency/city or village."),
    ),
    _spec(
        "PLACE_UNKNOWN",
        "error",
        "region",
        gettext_noop("No desa/kelurahan or kecamatan {place} in {region}."),
    ),
    _spec(
        "PLACE_AMBIGUOUS",
        "error",
        "region",
        gettext_noop(
            "{place} names several places in {region} ({candidates}); choose one by its code."
        ),
    ),
    _spec(
        "REGION_OUT_OF_SCOPE",
        "error",
        "region",
        gettext_noop("Region {code} is outside your regions."),
    ),
    _spec(
        "UPLOAD_TOO_LARGE",
        "error",
        None,
        gettext_noop("File {file} is larger than {megabytes} MB; split it into several files."),
    ),
    _spec(
        "IMPORT_NOT_RUNNABLE",
        "error",
        None,
        gettext_noop(
            "This import cannot run now: it is running already or has been saved ({status})."
        ),
    ),
    _spec(
        "IMPORT_NOT_CHECKED",
        "error",
        None,
        gettext_noop("This import has not been checked yet."),
    ),
    _spec(
        "IMPORT_NOT_SAVED",
        "error",
        None,
        gettext_noop("This import has not been saved yet; save it before confirming changes."),
    ),
    _spec(
        "IMPORT_FILE_PURGED",
        "error",
        None,
        gettext_noop("The file {file} was removed (kept {days} days); upload it again if needed."),
    ),
    _spec(
        "IMPORT_FAILED",
        "error",
        None,
        gettext_noop(
            "The import failed because of a system error; nothing was saved. Try again or "
            "contact the admin."
        ),
    ),
    _spec(
        "IMPORT_INTERRUPTED",
        "error",
        None,
        gettext_noop(
            "The import stopped half-way (its process ended: a restart, a power cut); nothing "
            "was saved and its temporary files were removed. Run it again."
        ),
    ),
)

#: Codes registered here (file- and row-level); NIK/income codes stay in the rules registry.
IMPORT_PROBLEM_SPECS: Mapping[str, ProblemSpec] = {
    s.code: s for s in (*_FILE_SPECS, *_ROW_SPECS, *_CHANGE_SPECS, *_REQUEST_SPECS)
}
CHANGE_CODES: frozenset[str] = frozenset(s.code for s in _CHANGE_SPECS)
FILE_CODES: frozenset[str] = frozenset(s.code for s in _FILE_SPECS)
REQUEST_CODES: frozenset[str] = frozenset(s.code for s in _REQUEST_SPECS)

_clash = set(IMPORT_PROBLEM_SPECS) & set(PROBLEM_SPECS)
if _clash:  # a code must have one meaning
    raise RuntimeError(f"import problem codes clash with the rules registry: {sorted(_clash)}")


def problem_spec(code: str) -> ProblemSpec:
    """The spec of ``code`` from this registry or the rules engine's."""
    spec = IMPORT_PROBLEM_SPECS.get(code) or PROBLEM_SPECS.get(code)
    if spec is None:
        raise KeyError(f"unknown problem code {code!r}")
    return spec


def severity_of(code: str) -> Severity:
    return problem_spec(code).severity


def problem_message(code: str, params: Mapping[str, Any]) -> Message:
    """The message of a problem stored as ``code`` and ``params`` (labelled parameters, such as
    a sex code, become their label; a missing parameter shows as "-")."""
    spec = problem_spec(code)
    if LEGACY_TEXT in params:
        return Message("{text}", (("text", str(params[LEGACY_TEXT])),))
    values = {name: "-" if params.get(name) is None else str(params[name]) for name in spec.params}
    return spec.message(values)


def render(code: str, language: Language = "id", /, **params: object) -> str:
    """One message, for file-level errors and tests."""
    return problem_message(code, params).render(language)


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def message_expr(code: str, language: Language = "id", /, **params: pl.Expr) -> pl.Expr:
    """The message of ``code`` in ``language`` as a polars String expression, one per row.

    ``params`` give an expression per ``{placeholder}`` of the template; nulls show as "-".
    The template is translated once, and a labelled parameter's few distinct values once each,
    so a million rows cost one ``pl.format``.
    """
    spec = problem_spec(code)
    template = translate(spec.template, language)
    names = _placeholders(template)
    missing = [n for n in names if n not in params]
    if missing:
        raise KeyError(f"problem {code} needs parameters {missing}")
    if not names:
        return pl.lit(template, dtype=pl.String)

    def shown(name: str) -> pl.Expr:
        value = params[name].cast(pl.String)
        labels = spec.labels.get(name)
        if labels:
            translated = {key: translate(msgid, language) for key, msgid in labels.items()}
            value = value.replace(translated)
        elif name in spec.months:  # "2025-03" reads "Maret 2025"
            names = {f"{i:02d}": translate(m, language) for i, m in enumerate(MONTH_NAMES, 1)}
            month = value.str.extract(r"^\d{4}-(\d{2})$").replace_strict(names, default=None)
            value = (
                pl.when(month.is_null())
                .then(value)
                .otherwise(pl.format("{} {}", month, value.str.slice(0, 4)))
            )
        return value.fill_null("-")

    # Our templates hold no literal braces, so each {name} becomes pl.format's "{}".
    pattern = _PLACEHOLDER_RE.sub("{}", template)
    return pl.format(pattern, *[shown(n) for n in names])


def params_expr(params: Mapping[str, pl.Expr]) -> pl.Expr:
    """The JSON object of a problem's parameters, one per row: how problems are stored."""
    if not params:
        return pl.lit("{}", dtype=pl.String)
    return pl.struct(
        [expr.cast(pl.String).alias(name) for name, expr in params.items()]
    ).struct.json_encode()


def problem_messages(problems: pl.DataFrame, language: Language = "id") -> pl.Series:
    """The message of every row of ``problems`` (columns ``code`` and ``params``, JSON), in
    ``language``: column-wise, one :func:`message_expr` per code present, never per row."""
    if problems.is_empty():
        return pl.Series("message", [], dtype=pl.String)
    indexed = problems.select("code", "params").with_row_index("_n")
    parts: list[pl.DataFrame] = []
    for (code,), rows in indexed.partition_by("code", as_dict=True).items():
        names = [*problem_spec(str(code)).params, LEGACY_TEXT]
        decoded = rows.select(
            "_n",
            pl.col("params").str.json_decode(pl.Struct(dict.fromkeys(names, pl.String))).alias("p"),
        ).unnest("p")
        message = message_expr(
            str(code), language, **{n: pl.col(n) for n in names if n != LEGACY_TEXT}
        )
        parts.append(decoded.select("_n", pl.coalesce(LEGACY_TEXT, message).alias("message")))
    return pl.concat(parts).sort("_n")["message"]


def parse_message(code: str, text: str, language: Language = "id") -> dict[str, str] | None:
    """The parameters that make ``code``'s message in ``language`` read ``text``, or ``None``
    when it cannot (for moving problems stored as sentences to codes and parameters)."""
    spec = problem_spec(code)
    template = translate(spec.template, language)
    names = _placeholders(template)
    pattern = "".join(
        f"(?P<{name}>.*?)" if name else re.escape(literal) for literal, name in _pieces(template)
    )
    match = re.fullmatch(pattern, text, flags=re.DOTALL)
    if match is None or len(set(names)) != len(names):
        return None
    params = match.groupdict()
    for name, labels in spec.labels.items():  # a label back to its value
        if name in params:
            back = {translate(msgid, language): key for key, msgid in labels.items()}
            params[name] = back.get(params[name], params[name])
    return params


def _pieces(template: str) -> list[tuple[str, str | None]]:
    pieces: list[tuple[str, str | None]] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append((literal, None))
        if name:
            pieces.append(("", name))
    return pieces


class ImportFileError(Exception):
    """A file that cannot be imported at all; nothing of it may be stored.

    ``code`` is a stable code of :data:`IMPORT_PROBLEM_SPECS` (``FILE_EMPTY``,
    ``FILE_ENCRYPTED``, ...); ``params`` holds the values of its message, which names the file
    and, where it applies, the sheet, row and column (:attr:`message`, rendered when shown).
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
        super().__init__(f"{code}: {self.message.render('en')}")

    @property
    def message(self) -> Message:
        return problem_message(self.code, self.params)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, **self.message.to_dict(), "params": dict(self.params)}


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
