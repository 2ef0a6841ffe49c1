"""The one declaration of a person's fields agrees with the models and gives every reader the
columns it had before."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import models

from jaring.registry import fields
from jaring.registry.models import ImportRow, OccupationMatch, Person
from jaring.registry.services import people_bulk_create
from jaring.synthetic.people import generate_people


@pytest.mark.parametrize("model", [Person, ImportRow])
def test_every_written_field_is_a_column_of_the_same_length(model: type[models.Model]) -> None:
    columns = {f.attname: f for f in model._meta.concrete_fields}
    for field in fields.PERSON_FIELDS:
        if not field.written or (field.secret and model is ImportRow):
            continue
        column = columns[field.attname]
        if isinstance(column, models.CharField) and not field.secret:
            assert column.max_length == field.max_length, field.column


def test_the_lists_read_from_the_declaration() -> None:
    assert fields.COMPARED == {
        "name": "name",
        "birth_place": "birth_place",
        "birth_date": "birth_date",
        "sex": "sex",
        "address": "address",
        "rt_rw": "rt_rw",
        "region_id": "village_code",
        "phone_index": "phone_index",
        "occupation_text": "occupation_text",
        "occupation_id": "occupation_code",
        "declared_income": "declared_income",
    }
    assert fields.EXPORTED == (
        "nik", "name", "birth_place", "birth_date", "sex", "village_code", "village_name",
        "address", "rt_rw", "occupation_text", "occupation_code", "status",
    )  # fmt: skip
    assert set(fields.WRITTEN) == {
        "nik", "name", "birth_place", "birth_date", "sex", "address", "rt_rw", "village_code",
        "phone", "occupation_text", "occupation_code", "occupation_match", "income_basis",
        "declared_income",
    }  # fmt: skip
    assert fields.FIELDS_BY_COLUMN["occupation_match"].fill == OccupationMatch.UNCLASSIFIED.value
    assert (
        Person._meta.get_field("income_basis").default
        == fields.FIELDS_BY_COLUMN["income_basis"].fill
    )


@pytest.mark.django_db
def test_text_longer_than_its_column_is_cut_on_both_databases() -> None:
    people = generate_people(2, regency="35.71", seed=3).with_columns(
        name=pl.lit("Siti " + "Nur" * 60),
        birth_place=pl.lit("Kediri " * 20),
        occupation_code=pl.lit(None, dtype=pl.String),
        occupation_match=pl.lit("unclassified"),
    )
    ids = people_bulk_create(people)
    stored = Person.objects.get(pk=ids[0])
    assert stored.name == ("Siti " + "Nur" * 60)[:150]
    assert stored.birth_place == ("Kediri " * 20)[:100]
