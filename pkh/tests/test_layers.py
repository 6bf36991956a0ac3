"""Apps depend downwards only: regions is the ground floor of the domain, accounts sits
on it, households on both, and the other apps above (README, "Development")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "pkh",
    "regions",
    "accounts",
    "households",
    "assistance",
    "fds_sessions",
    "graduation",
    "imports",
    "reports",
}


def imported_apps(app: str) -> dict[str, set[str]]:
    """``{file: project apps it imports}`` for the non-test code of ``app``."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        if names & (APPS - {app}):
            found[str(rel)] = names & (APPS - {app})
    return found


@pytest.mark.parametrize(
    ("app", "allowed"),
    [
        ("regions", {"pkh"}),
        ("accounts", {"pkh", "regions"}),
    ],
)
def test_lower_apps_do_not_import_upper_ones(app, allowed):
    upward = {f: apps - allowed for f, apps in imported_apps(app).items() if apps - allowed}
    assert not upward, f"{app} imports apps above it: {upward}"
