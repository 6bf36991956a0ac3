"""The size rule of the README ("Development"): no test file over 500 lines, no app module
over about 600 (650 is the hard stop), so that a module stays one topic a newcomer can read."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "migrations", "staticfiles", "static", "locale", "bench"}
TEST_LIMIT = 500
MODULE_LIMIT = 650


def _python_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIP_DIRS or any(p.startswith(".") for p in parts):
            continue
        yield path


def _too_long(test_files: bool) -> list[str]:
    found = []
    for path in _python_files():
        is_test = path.name.startswith("test_")
        if is_test != test_files:
            continue
        limit = TEST_LIMIT if is_test else MODULE_LIMIT
        with path.open(encoding="utf-8") as f:
            lines = sum(1 for _ in f)
        if lines > limit:
            found.append(f"{path.relative_to(ROOT)}: {lines} lines (limit {limit})")
    return sorted(found)


@pytest.mark.parametrize("test_files", [True, False], ids=["test files", "app modules"])
def test_no_file_over_the_size_rule(test_files):
    assert _too_long(test_files) == []


def test_the_rule_sees_a_long_file(tmp_path, monkeypatch):
    long_test = tmp_path / "app" / "tests" / "test_long.py"
    long_test.parent.mkdir(parents=True)
    long_test.write_text("x = 1\n" * (TEST_LIMIT + 1))
    monkeypatch.setattr("pkh.tests.test_module_size.ROOT", tmp_path)
    assert _too_long(True) == [f"app/tests/test_long.py: {TEST_LIMIT + 1} lines (limit 500)"]
