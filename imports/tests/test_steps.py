"""The import's SQL as named steps: the lists the runner executes are the lists the
timing log prints, and each statement names its tables from the models."""

import logging
import re

import pytest

from imports import apply
from imports.checks import file as file_checks
from imports.checks import registry as registry_checks
from imports.tests.roster import csv_bytes
from pkh import sql

pytestmark = pytest.mark.django_db


def _names(steps):
    return [step.__name__ for step in steps]


def test_every_step_is_a_named_function_of_its_module():
    write_steps = [step for _phase, steps in apply.WRITE_STEPS for step in steps]
    for module, steps in (
        (file_checks, file_checks.FILE_CHECKS),
        (registry_checks, registry_checks.REGISTRY_CHECKS),
        (apply, write_steps),
    ):
        names = _names(steps)
        assert len(names) == len(set(names)), names
        for step in steps:
            assert getattr(module, step.__name__) is step
            assert step.__module__.startswith(("imports.checks.", "imports.apply")), step


def test_the_timing_log_lists_the_steps_in_the_order_they_run(
    builder, run_import, monkeypatch, caplog
):
    monkeypatch.setattr(sql, "SQL_TIMING", True)
    with caplog.at_level(logging.WARNING, logger="pkh.sql"):
        imp = run_import(csv_bytes(list(builder.families(4))))
    assert imp.committed, imp.error
    logged = [
        match.group(1)
        for record in caplog.records
        if (match := re.search(r"\[step\] (\S+)", record.getMessage()))
    ]

    def run_of(group):
        return [name.split(".", 1)[1] for name in logged if name.startswith(f"{group}.")]

    assert run_of("check_file") == _names(file_checks.FILE_CHECKS)
    assert run_of("check_registry") == _names(registry_checks.REGISTRY_CHECKS)
    assert run_of("apply") == [
        step.__name__ for _phase, steps in apply.WRITE_STEPS for step in steps
    ]


def test_no_statement_names_a_table_by_hand():
    """Table names come from ``_meta.db_table`` (``imports.tables``) only."""
    import inspect

    from imports.checks import common, counts, plan
    from imports.services import aid, cleanup, derived, lifecycle, write

    hand_written = re.compile(
        r"\b(FROM|JOIN|INTO|UPDATE)\s+(households|imports|fds_sessions|assistance)_\w+"
    )
    modules = (file_checks, registry_checks, plan, counts, common, apply)
    for module in (*modules, aid, cleanup, derived, lifecycle, write):
        found = hand_written.findall(inspect.getsource(module))
        assert not found, (module.__name__, found)
