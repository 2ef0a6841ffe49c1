# Problems stored as a code and its parameters instead of two sentences (ADR 0009).
#
# Each stored sentence is read back into the parameters of its code's template — the Indonesian
# sentence first, then the English one — so the same sentence is rendered afterwards; one that
# no longer fits its template keeps its Indonesian text (shown as it was). A failed batch's
# error is moved the same way; occupation categories keep their English name as the msgid.

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import migrations, models

from jaring.registry.imports.problems import (
    FILE_CODES,
    LEGACY_TEXT,
    parse_message,
    problem_message,
)

CHUNK = 5000
SYSTEM_ERROR = "IMPORT_FAILED"


@lru_cache(maxsize=100_000)
def _params(code: str, detail: str, detail_en: str) -> dict[str, str]:
    try:
        found = parse_message(code, detail, "id") or parse_message(code, detail_en, "en")
    except KeyError:  # a code no longer registered
        found = None
    return found if found is not None else {LEGACY_TEXT: detail or detail_en}


def _error(text: str) -> tuple[str, dict[str, str]]:
    for code in sorted(FILE_CODES):
        found = parse_message(code, text, "id")
        if found is not None:
            return code, found
    if parse_message(SYSTEM_ERROR, text, "id") is not None:
        return SYSTEM_ERROR, {}
    return SYSTEM_ERROR, {LEGACY_TEXT: text}


def forward(apps: Any, schema_editor: Any) -> None:
    problem_model = apps.get_model("registry", "ImportProblem")
    batch_model = apps.get_model("registry", "ImportBatch")
    category_model = apps.get_model("registry", "OccupationCategory")
    chunk: list[Any] = []
    rows = problem_model.objects.only("id", "code", "detail", "detail_en").order_by("id")
    for problem in rows.iterator(chunk_size=CHUNK):
        problem.params = _params(problem.code, problem.detail, problem.detail_en)
        chunk.append(problem)
        if len(chunk) == CHUNK:
            problem_model.objects.bulk_update(chunk, ["params"])
            chunk = []
    problem_model.objects.bulk_update(chunk, ["params"])
    for batch in batch_model.objects.exclude(error="").only("id", "error"):
        batch.error_code, batch.error_params = _error(batch.error)
        batch.save(update_fields=["error_code", "error_params"])
    category_model.objects.update(name=models.F("name_en"))


def backward(apps: Any, schema_editor: Any) -> None:
    problem_model = apps.get_model("registry", "ImportProblem")
    batch_model = apps.get_model("registry", "ImportBatch")
    category_model = apps.get_model("registry", "OccupationCategory")
    chunk: list[Any] = []
    rows = problem_model.objects.only("id", "code", "params").order_by("id")
    for problem in rows.iterator(chunk_size=CHUNK):
        message = problem_message(problem.code, problem.params)
        problem.detail, problem.detail_en = message.render("id"), message.render("en")
        chunk.append(problem)
        if len(chunk) == CHUNK:
            problem_model.objects.bulk_update(chunk, ["detail", "detail_en"])
            chunk = []
    problem_model.objects.bulk_update(chunk, ["detail", "detail_en"])
    for batch in batch_model.objects.exclude(error_code="").only("id", "error_code", "error_params"):
        batch.error = problem_message(batch.error_code, batch.error_params).render("id")
        batch.save(update_fields=["error"])
    category_model.objects.update(name_en=models.F("name"))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_person_nik_unique_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="error_code",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="error_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="importproblem",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
        # So that going back can add the column again to a table that has rows.
        migrations.AlterField(
            model_name="occupationcategory",
            name="name_en",
            field=models.CharField(default="", max_length=100, verbose_name="name (English)"),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="importbatch", name="error"),
        migrations.RemoveField(model_name="importproblem", name="detail"),
        migrations.RemoveField(model_name="importproblem", name="detail_en"),
        migrations.RemoveField(model_name="occupationcategory", name="name_en"),
    ]
