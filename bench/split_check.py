"""Check the split of long test files (issue 14: no test file over ~500 lines).

    .venv/bin/python -m bench.split_check [--base e04cfc3] [--limit 500]

1. Lists every ``test_*.py`` (and, for information, ``bench/*.py``) longer than
   ``--limit`` lines.
2. For each split file, collects its tests at ``--base`` (from ``git archive``, in a
   temporary folder) and the tests of the files it became in this checkout, with
   ``pytest --collect-only``, and compares the test ids modulo the module path.
3. Compares each function and class of the old file with its namesake in the new files
   and helper modules (Python AST, formatting ignored; a renamed helper is compared
   under its new name).

Exits 1 if a test file is over the limit or a split lost, added or changed a test. Needs no
database (collection only).
"""

from __future__ import annotations

import argparse
import ast
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# old file -> (new test files, helper modules and conftests the old defs moved to, renames)
SPLITS = {
    "reports/tests/test_sections_commitments_complaints.py": (
        [
            "reports/tests/test_sections_commitments_complaints.py",
            "reports/tests/test_sections_commitments.py",
            "reports/tests/test_sections_complaints.py",
        ],
        ["reports/tests/commitments_complaints.py", "reports/tests/conftest.py"],
        {
            "_months": "quarter_months",
            "_month_end": "month_end",
            "_instant": "instant",
            "_complaint": "make_complaint",
        },
    ),
    "fds_sessions/tests/test_services.py": (
        [
            "fds_sessions/tests/test_services_groups.py",
            "fds_sessions/tests/test_services_sessions.py",
            "fds_sessions/tests/test_services_modules.py",
        ],
        ["fds_sessions/tests/helpers.py", "fds_sessions/tests/conftest.py"],
        {},
    ),
    "imports/tests/test_services.py": (
        [
            "imports/tests/test_services_duplicates.py",
            "imports/tests/test_services_families.py",
            "imports/tests/test_services_updates.py",
            "imports/tests/test_services_modes.py",
            "imports/tests/test_services_aid_and_member_data.py",
        ],
        ["imports/tests/helpers.py"],
        {},
    ),
    "imports/tests/test_views.py": (
        [
            "imports/tests/test_views_upload.py",
            "imports/tests/test_views_mode_change.py",
            "imports/tests/test_views_reports.py",
            "imports/tests/test_views_permissions.py",
        ],
        ["imports/tests/helpers.py"],
        {},
    ),
}


def long_files(limit: int) -> list[tuple[int, str]]:
    paths = [
        p
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts and (p.name.startswith("test_") or p.parent == ROOT / "bench")
    ]
    sizes = [(len(p.read_text(encoding="utf-8").splitlines()), p) for p in paths]
    return sorted((n, str(p.relative_to(ROOT))) for n, p in sizes if n > limit)


def collected(root: Path, files: list[str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q"] + files,
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    ids = [line.split("::", 1)[1] for line in out.splitlines() if "::" in line]
    if not ids:
        raise SystemExit(f"nothing collected in {root} for {files}:\n{out[-2000:]}")
    return sorted(ids)


def definitions(text: str, renames: dict[str, str] | None = None) -> dict[str, str]:
    """Each top-level function and class as an AST dump; old names renamed to new."""
    tree = ast.parse(text)
    if renames:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in renames:
                node.id = renames[node.id]
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in renames:
                node.name = renames[node.name]
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                node.body = body[1:] or body  # docstrings may be reworded
            out[node.name] = ast.dump(node)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.split_check")
    parser.add_argument("--base", default="e04cfc3", help="the commit before the splits")
    parser.add_argument("--limit", type=int, default=500)
    args = parser.parse_args()
    failed = False

    over = long_files(args.limit)
    print(f"files over {args.limit} lines: {len(over)}")
    for n, path in over:
        print(f"  {n:5d} {path}")
        failed |= not path.startswith("bench/")  # bench scripts: listed, not a failure

    archive = subprocess.run(
        ["git", "archive", args.base], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for old, (new, helpers, renames) in SPLITS.items():
            before = collected(Path(tmp), [old])
            after = collected(ROOT, new)
            old_defs = definitions((Path(tmp) / old).read_text(encoding="utf-8"), renames)
            new_defs: dict[str, str] = {}
            for path in new + helpers:
                new_defs.update(definitions((ROOT / path).read_text(encoding="utf-8")))
            changed = sorted(k for k, v in old_defs.items() if new_defs.get(k) != v)
            lines = [len((ROOT / p).read_text(encoding="utf-8").splitlines()) for p in new]
            same = before == after
            print(
                f"{old}: {len(before)} tests before, {len(after)} after in {len(new)} files "
                f"({min(lines)}-{max(lines)} lines), ids {'same' if same else 'DIFFER'}, "
                f"{len(old_defs)} definitions, changed: {changed or 'none'}"
            )
            failed |= not same or bool(changed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
