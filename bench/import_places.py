"""A million-row Kota Semarang list *without a kecamatan column* (issue 12): no row may be
rejected for its kelurahan. Kota Semarang has two Mangunharjo and two Purwosari; without the
kecamatan the checker tells them apart by the NIK's kecamatan digits, and holds what it cannot
tell. Reading and checking only (no database); prints JSON.

    .venv/bin/python bench/import_places.py [--rows 1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")

REGENCY = "33.74"  # Kota Semarang


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import django

    django.setup()
    import polars as pl

    from jaring.registry.imports.checking import check_table
    from jaring.registry.imports.reading import read_table
    from jaring.registry.imports.reading.mapping import guess_mapping
    from jaring.registry.occupations import classify_occupations
    from jaring.synthetic.messy import DamageRates, region_indexes, write_messy_file

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="jaring-bench-") as folder:
        full = Path(folder) / "semarang.csv"
        started = time.perf_counter()
        truth = write_messy_file(
            full,
            rows=args.rows,
            regency=REGENCY,
            seed=args.seed,
            fmt="csv",
            rates=DamageRates(),
            title_rows=False,
            header_style="standard",
            csv_style="comma-utf8",
        )
        table = pl.read_csv(full, infer_schema=False)
        kecamatan_header = guess_mapping(tuple(table.columns))["kecamatan"]
        without = Path(folder) / "semarang-tanpa-kecamatan.csv"
        table.drop(kecamatan_header).write_csv(without)
        generated = time.perf_counter() - started

        villages, kecamatan = region_indexes(REGENCY)
        started, cpu = time.perf_counter(), time.process_time()
        raw = read_table(without)
        mapping = guess_mapping(raw.headers)
        checked = check_table(
            raw,
            mapping,
            villages=villages,
            kecamatan=kecamatan,
            classify=classify_occupations,
            reference_date=truth.reference_date,
        )
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu

    problems = checked.problems
    village = problems.filter(pl.col("code").str.starts_with("VILLAGE_"))
    # A rejected row must have an error of its NIK or name: nothing else rejects.
    rejected_rows = checked.rows.filter(pl.col("state") == "rejected").select("_sheet", "_row")
    cannot_be_a_person = problems.filter(
        (pl.col("severity") == "error")
        & (pl.col("code").str.starts_with("NIK_") | (pl.col("code") == "NAME_MISSING"))
    ).select("_sheet", "_row")
    rejected_otherwise = rejected_rows.join(cannot_be_a_person, on=["_sheet", "_row"], how="anti")
    shared_names = checked.rows.filter(
        pl.col("village_code").is_in(
            ["33.74.10.1003", "33.74.16.1007", "33.74.02.1004", "33.74.14.1005"]
        )
    )
    summary = checked.summary()
    json.dump(
        {
            "benchmark": "import_places",
            "rows": summary["rows"],
            "columns": list(mapping),
            "kecamatan_column": False,
            "accepted": summary["accepted"],
            "warnings": summary["warnings"],
            "held": summary["held"],
            "rejected": summary["rejected"],
            "village_problems": {
                f"{code} ({severity})": n
                for code, severity, n in village.group_by("code", "severity")
                .len()
                .sort("code")
                .iter_rows()
            },
            "village_problems_that_reject": village.filter(pl.col("severity") == "error").height,
            "rejected_rows_without_a_nik_or_name_error": rejected_otherwise.height,
            "rows_in_mangunharjo_or_purwosari": shared_names.height,
            "read_check_seconds": round(seconds, 2),
            "read_check_cpu_seconds": round(cpu_seconds, 2),
            "generate_seconds": round(generated, 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        sys.stdout,
        indent=2,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
