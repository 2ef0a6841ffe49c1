"""Believable and messy synthetic data: for the demo, the benchmarks and the tests, never for a
production request or import (an import-linter contract in pyproject.toml lets only
:mod:`jaring.demo` import this package, and keeps Faker out of every other module).

* :mod:`.people` — :func:`~.people.generate_people`, clean workers of a real kab/kota (Faker
  ``id_ID`` names, NIKs composed by the rules engine), and :func:`~.people.write_clean_list`.
* :mod:`.messy` — :func:`~.messy.write_messy_file`, lists damaged the way kelurahan send them,
  with the ground truth the import checker must find (:mod:`.messy.damage`, :mod:`.messy.rows`,
  :mod:`.messy.write`).
* :mod:`.corruption` — :func:`~.corruption.corrupt_duplicates`, the same people written again
  as other lists write them (typos, swapped names, another desa).
* :mod:`.registries` — :func:`~.registries.synthetic_registry`, a registry with known duplicates
  for the matching engine, and :mod:`.evaluation`, its precision and recall against that truth.
"""
