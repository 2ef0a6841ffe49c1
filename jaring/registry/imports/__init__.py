"""The import front-end: file → table → checked rows, as pure column-wise functions.

No database access here (staging tables, commit and the background task are the pipeline's,
:mod:`.pipeline`). The front-end, in pipeline order:

* :mod:`.reading` — :func:`~.reading.read_table` turns an xlsx/xls/ods/csv/HTML/XML-2003 file
  into a :class:`~.reading.RawTable` (strings as shown, rows numbered as Excel shows them);
  :class:`~.errors.ImportFileError` for files that cannot be imported. Helpers: :mod:`.excel`,
  :mod:`.delimited`, :mod:`.html_table`, :mod:`.grid`.
* :mod:`.mapping` — :data:`~.mapping.FIELDS`, :func:`~.mapping.guess_mapping`,
  :func:`~.mapping.validate_mapping`, header-row detection.
* :mod:`.checks` — :func:`~.checks.check_table` → :class:`~.checks.CheckedTable` (one state per
  row, every problem with a stable code). Helpers: :mod:`.nik_column` (the rules engine's NIK
  check, column-wise), :mod:`.values` (dates, sex, phones, income, RT/RW), :mod:`.places`,
  :mod:`.duplicates`, :mod:`.row_checks`, :mod:`.findings`, :mod:`.row_findings`.
* :mod:`.workbook` — :func:`~.workbook.write_problems_workbook`, the file a kelurahan fixes.
* :mod:`.problems` — the import's problem codes and messages (NIK and income codes are the
  rules engine's).

Modules needing Django's region index import it for typing only, so the front-end imports
without a configured Django. Damaged synthetic lists with their ground truth, for tests and
benchmarks, are :mod:`jaring.synthetic.messy`'s.
"""
