"""Fixtures for the matching tests: the session's small synthetic registry with known
duplicates and look-alikes (``synthetic``, tests/conftest.py), and a model trained on it once per
session (a few seconds)."""

from __future__ import annotations

import polars as pl
import pytest

from jaring.registry.matching import MatchModel, MatchSettings, train_model
from jaring.synthetic.registries import INPUT_SCHEMA, SyntheticRegistry

SETTINGS = MatchSettings(threads=2)


@pytest.fixture(scope="session")
def registry(synthetic: SyntheticRegistry) -> pl.DataFrame:
    return synthetic.registry


@pytest.fixture(scope="session")
def people(registry: pl.DataFrame) -> pl.DataFrame:
    """The registry as the engine sees it: input columns only."""
    return registry.select(list(INPUT_SCHEMA))


@pytest.fixture(scope="session")
def settings() -> MatchSettings:
    return SETTINGS


@pytest.fixture(scope="session")
def model(people: pl.DataFrame) -> MatchModel:
    return train_model(people, seed=1, settings=SETTINGS)
