"""Importing a list: file → grid → checked rows → the registry, in three stages a reader follows.

* :mod:`.reading` — file → table. :func:`~.reading.read_table` turns an xlsx/xls/ods/csv/HTML/
  XML-2003 file into a :class:`~.reading.RawTable` (strings as shown, rows numbered as Excel
  shows them): :mod:`.reading.excel`, :mod:`.reading.delimited`, :mod:`.reading.html_table`
  (".xls" files that are HTML or XML) each deliver a grid; :mod:`.reading.grid` finds the header
  and numbers the rows; :mod:`.reading.mapping` ties headers to fields (aliases, header-row
  detection, :func:`~.reading.mapping.guess_mapping`).
* :mod:`.checking` — table → checked rows. :func:`~.checking.check_table` →
  :class:`~.checking.CheckedTable` (one state per row, every problem with a stable code), column-
  wise: :mod:`.checking.steps` (one step per field), :mod:`.checking.nik_column` (the rules
  engine's NIK check over a column), :mod:`.checking.values` (dates, sex, phones, income, RT/RW),
  :mod:`.checking.places` (desa and kecamatan names), :mod:`.checking.duplicates` (the same NIK
  twice in the file), :mod:`.checking.findings` (masks → problem rows → row states).
* :mod:`.applying` — checked rows → registry. :mod:`.applying.plan` (one action per row against
  the people already registered: created, updated, unchanged, skipped, conflict, duplicate),
  :mod:`.applying.commit` (the plan carried out in one transaction, audited),
  :mod:`.applying.workbook` (the problems workbook a kelurahan fixes and sends back).

:mod:`.problems` is what every stage reports: the problem codes and messages (NIK and income
codes are the rules engine's) and the errors that stop a file. :mod:`.services` runs the stages
for a stored batch (what pages, API, tasks, the CLI and the demo call); :mod:`.views` and
:mod:`.api` are its pages and API.

Reading and checking touch no database: modules needing Django's region index import it for
typing only, so they run without a configured Django (the benchmarks time them alone). A stage
imports only the stages before it. Damaged synthetic lists with their ground truth, for tests and
benchmarks, are :mod:`jaring.synthetic.messy`'s.
"""
