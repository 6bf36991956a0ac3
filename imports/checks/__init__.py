"""Cross-row validation, deduplication and the plan of an import, set-based in SQL over
the staging tables, by domain:

* ``imports.checks.file``: what the file alone can tell (``FILE_CHECKS``, run once);
* ``imports.checks.registry``: what depends on the registry (``REGISTRY_CHECKS``: run for
  the preview and again under the import lock if the registry changed);
* ``imports.checks.plan``: what the write will do to each family and member (steps of
  ``REGISTRY_CHECKS``);
* ``imports.checks.counts``: the preview's counts and the registry signature;
* ``imports.checks.session``: the PostgreSQL session settings of an import;
* ``imports.checks.common``: what the checks share (context, SQL fragments);
* ``imports.checks.pipeline``: the entry points ``imports.services`` calls.

Plan robustness (every statement): planner statistics are taken after every load or
step that changes a staging table, and every intermediate set a join depends on is
materialised into a temporary table with its own statistics (``pkh.sql.materialise``);
no grouped or correlated subquery is joined or evaluated per row.
"""
