"""The shape of the graduation app's code (issue 14): reads never import writes, and
modules stay cut by domain."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent


def _modules(name: str) -> list[Path]:
    """``graduation/<name>.py`` or every module of the package ``graduation/<name>/``."""
    single = APP / f"{name}.py"
    return [single] if single.exists() else sorted((APP / name).glob("*.py"))


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_selectors_do_not_import_services():
    """Services read through selectors; a selector importing a service made a circle."""
    offenders = {
        path.name: sorted(n for n in _imported(path) if n.startswith("graduation.services"))
        for path in _modules("selectors")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.parametrize(("folder", "limit"), [("", 600), ("tests", 500)])
def test_no_module_is_a_grab_bag(folder, limit):
    root = APP / folder if folder else APP
    paths = root.rglob("*.py") if folder else [*APP.glob("*.py"), *APP.glob("*/*.py")]
    too_long = {
        str(path.relative_to(APP)): n
        for path in paths
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > limit
    }
    assert too_long == {}
