"""Apps depend downwards only: pkh is the ground floor (settings, scoping, the extension
points), regions the base of the domain, accounts sits on it, households on both, the
other apps above, and home (the start page) on top (README, "Development")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "pkh",
    "regions",
    "accounts",
    "notifications",
    "complaints",
    "households",
    "assistance",
    "fds_sessions",
    "commitments",
    "graduation",
    "corrections",
    "imports",
    "reports",
    "field",
    "home",
}

# What pkh's non-test code may still import from the apps above it, and why. Strings
# (INSTALLED_APPS, ``include("households.urls")``, handler paths) are not imports.
PKH_ALLOWED = {
    ("pkh/extensions.py", "accounts"): "type annotations only (TYPE_CHECKING): User in "
    "the points' Protocol signatures",
    ("pkh/extensions.py", "households"): "type annotations only (TYPE_CHECKING): "
    "Household in the points' Protocol signatures",
    ("pkh/permissions.py", "accounts"): "the action rules are written in the roles of "
    "accounts (Role), as the scoping rule is",
    ("pkh/scoping.py", "accounts"): "the one scoping rule is written in the roles of "
    "accounts (Role, imported inside scope_q when called; User for annotations)",
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
        # Data corrections sit on households: they change the registry through its
        # services, notify people through notifications (just above accounts), and
        # reach the apps beside them only through the seam.
        ("corrections", {"pkh", "regions", "accounts", "notifications", "households"}),
        # Commitment verification sits above households and fds_sessions, beside
        # assistance and below graduation (which may read it); it reaches the lower apps'
        # pages only through pkh/extensions.py, and notifies people through notifications.
        # It reads uploaded verification sheets with the roster import's file reader and
        # report writer (imports.reader, imports.rows, imports.issue_report, imports.forms'
        # upload limit: one reader for every uploaded sheet, issue #16); imports never
        # imports commitments (test below).
        (
            "commitments",
            {
                "pkh",
                "regions",
                "accounts",
                "notifications",
                "households",
                "fds_sessions",
                "imports",
            },
        ),
        # Offline field work calls the visit and attendance forms and services.
        ("field", {"pkh", "regions", "accounts", "households", "fds_sessions"}),
        # Just above accounts, so that every app may notify a user.
        ("notifications", {"pkh", "regions", "accounts"}),
    ],
)
def test_lower_apps_do_not_import_upper_ones(app, allowed):
    upward = {f: apps - allowed for f, apps in imported_apps(app).items() if apps - allowed}
    assert not upward, f"{app} imports apps above it: {upward}"


def test_pkh_imports_no_app_above_it():
    found = {(f, a) for f, apps in imported_apps("pkh").items() for a in apps}
    upward = sorted(found - PKH_ALLOWED.keys())
    assert not upward, f"pkh imports apps above it: {upward}"


def test_pkh_allowances_are_still_needed():
    found = {(f, a) for f, apps in imported_apps("pkh").items() for a in apps}
    assert sorted(PKH_ALLOWED.keys() - found) == []


def test_no_lower_app_imports_corrections():
    """households and below show corrections only through the seam (family_panels,
    todo_sources, menu_items, demo_seeders)."""
    lower = ("regions", "accounts", "households", "assistance", "fds_sessions", "graduation")
    importers = {
        f for app in lower for f, apps in imported_apps(app).items() if "corrections" in apps
    }
    assert not importers


def test_no_app_imports_home():
    """The start page reads every app; nothing reads it."""
    importers = {
        f for app in APPS - {"home"} for f, apps in imported_apps(app).items() if "home" in apps
    }
    assert not importers


@pytest.mark.parametrize(
    "app", ["regions", "accounts", "households", "assistance", "fds_sessions", "imports"]
)
def test_lower_apps_do_not_import_commitments(app):
    """The apps below commitment verification see it only through pkh/extensions.py."""
    importers = {f for f, apps in imported_apps(app).items() if "commitments" in apps}
    assert not importers


def test_nothing_below_field_imports_it():
    """Offline field work sits above households and fds_sessions; they never read it."""
    below = {"regions", "accounts", "households", "assistance", "fds_sessions", "graduation"}
    importers = {f for app in below for f, apps in imported_apps(app).items() if "field" in apps}
    assert not importers
