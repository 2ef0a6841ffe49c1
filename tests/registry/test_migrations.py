"""Migration 0003 moves problems stored as two sentences to a code and its parameters, and the
same sentence is rendered afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jaring.registry.imports.problems import LEGACY_TEXT, problem_message

BEFORE = [("registry", "0002_person_nik_unique_index")]
AFTER = [("registry", "0003_messages_as_codes_and_params")]

STORED = [
    ("NIK_LENGTH", {"length": "15"}),
    ("NIK_SEX_MISMATCH", {"nik_sex": "L", "stated_sex": "P"}),
    ("SEX_FROM_NIK", {"sex": "P", "sex_label": "P"}),
    ("VILLAGE_AMBIGUOUS", {"value": "Banjar", "candidates": "35.71.01.1001, 35.71.02.1003"}),
    ("NIK_DUPLICATE_IN_FILE", {"sheet": "-", "row": "2"}),
    ("INCOME_BASIS_BELOW_MINIMUM", {"income": "Rp 900.000"}),
    ("OCCUPATION_MISSING", {}),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_0002() -> Any:
    """The project's apps as of registry 0002; every app migrated to its latest afterwards, even
    when the test fails half-way."""
    try:
        yield _migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_stored_sentences_become_codes_and_parameters_and_read_the_same(back_to_0002: Any) -> None:
    old = back_to_0002
    # An earlier transactional test may have flushed the region table.
    region, _ = old.get_model("regions", "Region").objects.get_or_create(
        code="35.71", defaults={"name": "Kediri", "level": 2, "kind": "kota", "name_key": "kediri"}
    )
    batch = old.get_model("registry", "ImportBatch").objects.create(
        file_name="a.csv",
        file_sha256="",
        file_size=1,
        region=region,
        source_name="a",
        status="failed",
        error="Berkas a.csv kosong.",
    )
    problem_model = old.get_model("registry", "ImportProblem")
    sentences = []
    for row, (code, params) in enumerate(STORED, start=2):
        message = problem_message(code, params)
        sentences.append(message.render("id"))
        problem_model.objects.create(
            batch=batch,
            row_number=row,
            code=code,
            severity="warning",
            detail=message.render("id"),
            detail_en=message.render("en"),
        )
    problem_model.objects.create(
        batch=batch, row_number=99, code="FILE_EMPTY", severity="error", detail="Teks lama."
    )
    old.get_model("registry", "OccupationCategory").objects.filter(code="becak").update(
        name="Tukang becak", name_en="Pedicab (becak) driver"
    )

    new = _migrate(AFTER)
    moved = new.get_model("registry", "ImportProblem").objects.order_by("row_number")
    assert [(p.code, p.params) for p in moved][:-1] == STORED
    assert [problem_message(p.code, p.params).render("id") for p in moved][:-1] == sentences
    assert moved.last().params == {LEGACY_TEXT: "Teks lama."}
    failed = new.get_model("registry", "ImportBatch").objects.get(pk=batch.pk)
    assert (failed.error_code, failed.error_params) == ("FILE_EMPTY", {"file": "a.csv"})
    category = new.get_model("registry", "OccupationCategory").objects.get(code="becak")
    assert category.name == "Pedicab (becak) driver"  # the msgid; "Tukang becak" is its Indonesian
