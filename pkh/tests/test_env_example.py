"""Every environment variable the app reads is listed in .env.example, and nothing else.

Read from the app's Python (settings, entry points, gunicorn.conf.py, every app module
but tests and benchmarks), the Procfile and the shell scripts (serve, backup, restore):
Python through its syntax tree
(``env("X")``, ``env.int("X")``, ``os.environ.get("X")``, ``os.getenv("X")``, ...),
shell through ``$X`` / ``${X...}`` (upper-case names; the scripts keep their own
variables in lower case).
"""

import ast
import os
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The app's own Python: settings, entry points, gunicorn.conf.py and every module of the
# apps, but not the tests, the benchmarks or the virtualenv.
_NOT_APP = {".venv", ".git", "tests", "bench", "migrations", "staticfiles", "node_modules"}


def _app_python_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(BASE_DIR):
        dirs[:] = [d for d in dirs if d not in _NOT_APP and not d.startswith(".")]
        found.extend(Path(folder) / f for f in files if f.endswith(".py") and f != "conftest.py")
    return sorted(found)


PYTHON_SOURCES = _app_python_files()
SHELL_SOURCES = [*sorted((BASE_DIR / "scripts").glob("*.sh")), BASE_DIR / "Procfile"]
# Set by the shell or the system, not by whoever deploys the app.
SHELL_OWN = {"PATH", "PWD", "HOME", "USER", "TMPDIR", "OPTIND", "OPTARG"}

_ENV_METHODS = {
    "str",
    "bool",
    "int",
    "float",
    "list",
    "tuple",
    "dict",
    "url",
    "db",
    "json",
    "email_url",
    "cache_url",
    "search_url",
    "path",
}


def _string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def python_env_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            reads = (
                # env("X"), env.int("X"), ...: django-environ
                (isinstance(func, ast.Name) and func.id == "env")
                or (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "env"
                    and func.attr in _ENV_METHODS
                )
                # os.environ.get("X"), os.environ.setdefault("X", ...), os.getenv("X")
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr in {"get", "setdefault"}
                    and _is_os_environ(func.value)
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "getenv"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "os"
                )
            )
            if reads and (name := _string_arg(node)):
                names.add(name)
        elif (
            isinstance(node, ast.Subscript)
            and _is_os_environ(node.value)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            names.add(node.slice.value)
    return names


_SHELL_VAR = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)")
_SHELL_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=", flags=re.MULTILINE)


def shell_env_names(source: str) -> set[str]:
    """Upper-case names a script reads before (or while) it first assigns them.

    ``export X="${X:-default}"`` reads X from the environment; ``PY=.venv/bin/python``
    followed by ``"$PY"`` is the script's own variable.
    """
    lines = ["" if line.lstrip().startswith("#") else line for line in source.splitlines()]
    first_assigned: dict[str, int] = {}
    first_read: dict[str, int] = {}
    for number, line in enumerate(lines):
        for name in _SHELL_ASSIGNMENT.findall(line):
            first_assigned.setdefault(name, number)
        for name in _SHELL_VAR.findall(line):
            first_read.setdefault(name, number)
    return {
        name
        for name, number in first_read.items()
        if name not in SHELL_OWN and number <= first_assigned.get(name, number)
    }


def app_env_names() -> dict[str, set[str]]:
    """Variable name -> the files that read it."""
    found: dict[str, set[str]] = {}
    for path in PYTHON_SOURCES:
        for name in python_env_names(path.read_text()):
            found.setdefault(name, set()).add(str(path.relative_to(BASE_DIR)))
    for path in SHELL_SOURCES:
        for name in shell_env_names(path.read_text()):
            found.setdefault(name, set()).add(str(path.relative_to(BASE_DIR)))
    return found


def example_names() -> set[str]:
    """Names in .env.example, set or commented out (``# NAME=value``)."""
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_the_scanner_finds_every_way_of_reading_the_environment():
    python = """
import os
a = env("A_STR", default="")
b = env.int("B_INT", default=1)
c = env.list("C_LIST")
d = env.db("D_DB")
e = os.environ.get("E_GET", "x")
f = os.environ["F_ITEM"]
os.environ.setdefault("G_DEFAULT", "x")
h = os.getenv("H_GETENV")
i = other("NOT_ENV")
"""
    assert python_env_names(python) == {
        "A_STR", "B_INT", "C_LIST", "D_DB", "E_GET", "F_ITEM", "G_DEFAULT", "H_GETENV"
    }  # fmt: skip
    shell = (
        'export X_URL="${X_URL:-a}"\n# ${IN_COMMENT}\ncd "$PWD" && echo "$Y_PLAIN" $z\n'
        'OWN=1\necho "$OWN"\nif [ -z "${W_KEY:-}" ]; then\n  W_KEY=x\nfi\n'
    )
    assert shell_env_names(shell) == {"X_URL", "Y_PLAIN", "W_KEY"}


def test_the_scanner_sees_the_known_settings():
    names = app_env_names()
    for name in (
        "DATABASE_URL",
        "DJANGO_SECRET_KEY",
        "WEB_CONCURRENCY",
        "CELERY_CONCURRENCY",
        "IMPORTS_SQL_TIMING",
    ):
        assert name in names


def test_every_environment_variable_the_app_reads_is_in_env_example():
    missing = {name: sorted(files) for name, files in app_env_names().items()}
    missing = {name: files for name, files in missing.items() if name not in example_names()}
    assert not missing, f"add these to .env.example with a comment: {missing}"


def test_env_example_lists_no_variable_that_nothing_reads():
    stale = example_names() - set(app_env_names())
    assert not stale, f"nothing reads these any more: {sorted(stale)}"


def test_every_variable_in_env_example_has_a_comment():
    """Each entry sits in a block that starts with a comment saying what it is for."""
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    entry = re.compile(r"^#?\s*[A-Z][A-Z0-9_]*=")
    uncommented = []
    for i, line in enumerate(lines):
        if not entry.match(line):
            continue
        j = i - 1
        while j >= 0 and entry.match(lines[j]):
            j -= 1
        if j < 0 or not lines[j].startswith("#") or not lines[j].strip("# "):
            uncommented.append(line)
    assert not uncommented, uncommented
