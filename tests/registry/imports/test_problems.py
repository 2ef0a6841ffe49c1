"""Import problems are stored as a code and parameters and rendered, column-wise, when shown."""

from __future__ import annotations

import json
import string

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.registry.imports.problems import (
    IMPORT_PROBLEM_SPECS,
    LEGACY_TEXT,
    parse_message,
    problem_message,
    problem_messages,
    problem_spec,
)
from jaring.rules.messages import translate
from jaring.rules.problems import PROBLEM_SPECS


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted({*IMPORT_PROBLEM_SPECS, *PROBLEM_SPECS}))
def test_every_problem_code_has_its_indonesian_translation(code: str) -> None:
    """Both registries: the import's codes and the rules engine's."""
    spec = problem_spec(code)
    indonesian = translate(spec.template, "id")
    assert indonesian != spec.template, f"{code}: no Indonesian in the catalogue"
    assert _placeholders(indonesian) == _placeholders(spec.template)
    for labels in spec.labels.values():
        assert all(translate(msgid, "id") != msgid for msgid in labels.values())


_CODES = sorted(IMPORT_PROBLEM_SPECS)
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(deadline=None)  # polars compiles an expression per code: slow to start, not per row
@given(
    rows=st.lists(
        st.tuples(st.sampled_from([*_CODES, "NIK_LENGTH", "NIK_SEX_MISMATCH"]), _TEXT),
        min_size=1,
        max_size=30,
    ),
    language=st.sampled_from(["id", "en"]),
)
def test_column_wise_messages_equal_one_by_one(rows: list[tuple[str, str]], language: str) -> None:
    params = [dict.fromkeys(problem_spec(code).params, value) for code, value in rows]
    if any(problem_spec(code).labels for code, _ in rows):  # a sex code, as checks store it
        params = [
            {k: "P" if k in problem_spec(code).labels else v for k, v in p.items()}
            for (code, _), p in zip(rows, params, strict=True)
        ]
    frame = pl.DataFrame({"code": [c for c, _ in rows], "params": [json.dumps(p) for p in params]})
    column = problem_messages(frame, language).to_list()  # type: ignore[arg-type]
    single = [
        problem_message(code, p).render(language) for (code, _), p in zip(rows, params, strict=True)
    ]
    assert column == single


def test_a_sentence_is_read_back_into_its_parameters() -> None:
    message = problem_message("NIK_SEX_MISMATCH", {"nik_sex": "L", "stated_sex": "P"})
    for language in ("id", "en"):
        parsed = parse_message("NIK_SEX_MISMATCH", message.render(language), language)
        assert parsed == {"nik_sex": "L", "stated_sex": "P"}
    assert parse_message("FILE_EMPTY", "Sesuatu yang lain.", "id") is None


def test_a_problem_kept_as_old_text_is_shown_as_it_was() -> None:
    stored = {LEGACY_TEXT: "Kalimat lama yang tidak cocok lagi."}
    assert problem_message("FILE_EMPTY", stored).render("en") == stored[LEGACY_TEXT]
    frame = pl.DataFrame({"code": ["FILE_EMPTY"], "params": [json.dumps(stored)]})
    assert problem_messages(frame).to_list() == [stored[LEGACY_TEXT]]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_month_parameter_reads_as_its_name_column_wise_too(language: str) -> None:
    params = [{"month": "2025-03"}, {"month": "2024-12"}, {"month": "bukan bulan"}]
    frame = pl.DataFrame({"code": "CLAIM_NEVER_PAID", "params": [json.dumps(p) for p in params]})
    single = [problem_message("CLAIM_NEVER_PAID", p).render(language) for p in params]
    assert problem_messages(frame, language).to_list() == single  # type: ignore[arg-type]
    assert ("Maret 2025" if language == "id" else "March 2025") in single[0]


def test_the_problem_catalogue_in_docs_names_every_row_code_with_its_severity() -> None:
    """docs/import-problems.md says which problems reject, hold or warn: it must agree with
    the code (row-level codes of the import, and the NIK codes it reports)."""
    import re
    from pathlib import Path

    from jaring.registry.imports.checking.nik_column import NIK_CODES
    from jaring.registry.imports.problems import FILE_CODES, REQUEST_CODES

    text = (Path(__file__).parents[3] / "docs" / "import-problems.md").read_text()
    documented = dict(re.findall(r"^\| `([A-Z_]+)` \| (error|hold|warning) \|", text, re.M))
    row_codes = {*NIK_CODES, *(set(IMPORT_PROBLEM_SPECS) - FILE_CODES - REQUEST_CODES)}
    assert set(documented) == row_codes
    for code, severity in documented.items():
        assert problem_spec(code).severity == severity, code
