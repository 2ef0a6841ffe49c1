"""Applying checked rows to the registry: the plan (:mod:`.plan`), carried out in one transaction
(:mod:`.commit`), and the problems workbook for the rows that need fixing (:mod:`.workbook`).

Duplicates met here are the *registry's*: a row whose NIK the registry already holds is planned
``unchanged``, ``updated``, ``skipped`` or ``conflict``. Repeats *within* the file are found
while checking (:mod:`jaring.registry.imports.checking.duplicates`), because a conflicting
repeat rejects its rows.
"""
