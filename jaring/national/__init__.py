"""National scale: what leaves a region for national matching and coverage, and what the
national operator runs on the regions' exports (DuckDB on one machine, Spark on a cluster).

- :mod:`.exports` writes a region's export (``jaring national export``): Parquet parts with
  blind indexes under the *national* key, never a plain NIK or phone, and a manifest;
- :mod:`.parts` reads and checks the exports of several regions (same national key, every
  part present and whole, no region twice) before anything is computed or written;
- :mod:`.coverage` computes coverage per kab/kota, province and nation by month from one SQL
  definition that DuckDB and Spark SQL both run (:mod:`.engines`).

Why the export looks as it does: docs/adr/0015-national-scale-exports-and-two-engines.md; how a
national operator runs it: docs/scale.md.
"""
