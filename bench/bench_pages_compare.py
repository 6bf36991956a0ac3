"""The page benchmark at this checkout and at a baseline revision, in one run.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pkh_bench
    .venv/bin/python -m bench.seed --families 200000          # once, with this checkout
    .venv/bin/python -m bench.bench_pages_compare --baseline main~40 --rounds 2 -n 50

The baseline revision is checked out into a detached ``git worktree`` of its own (this
checkout's ``.venv`` linked into it), and ``bench.bench_pages`` runs alternately in the
baseline and in this checkout against the same seeded database, the order flipped each
round (base, head, head, base, ...) so that neither side always runs on a warmer
database or a quieter machine. Per page it reports the query count of each side (they
must not grow) and the head/base ratios of the medians over the rounds: wall time, the
Django process's CPU time, and wall time in units of the same run's login page (the
machine is shared; the CPU time and that ratio move less with its load).

The baseline's ``bench_pages`` reads the database seeded by this checkout: seed it with
the newer code (its migrations are a superset); the baseline only reads, bar sessions.
The JSON of every run and the comparison go to ``bench/out/compare/``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def baseline_tree(rev: str, path: Path | None) -> tuple[Path, str, bool]:
    """A detached worktree at ``rev`` (reused if ``path`` already holds it)."""
    sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    path = path or Path(tempfile.gettempdir()) / f"pkh-baseline-{sha[:10]}"
    created = False
    if not path.exists():
        _git("worktree", "add", "--detach", str(path), sha)
        created = True
    elif _git("rev-parse", "HEAD", cwd=path) != sha:
        raise SystemExit(f"{path} exists and is not at {sha}")
    venv = path / ".venv"
    if not venv.exists():
        venv.symlink_to((ROOT / ".venv").resolve())
    return path, sha, created


def run_pages(tree: Path, out: Path, args) -> dict:
    command = [str(tree / ".venv" / "bin" / "python"), "-m", "bench.bench_pages"]
    command += ["-n", str(args.n), "--out", str(out)]
    if args.only:
        command += ["--only", *args.only]
    print(f"\n### {tree}: {' '.join(command[1:])}", flush=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(command, cwd=tree, env=env, check=True)
    return json.loads(out.read_text())


def compare(runs: dict[str, list[dict]]) -> list[dict]:
    """One row per (user, page): each side's medians over its rounds, and the ratios."""
    rows = []
    keyed = {
        side: [
            ({(p["user"], p["label"]): p for p in run["pages"]}, run["baseline"])
            for run in side_runs
        ]
        for side, side_runs in runs.items()
    }
    first = runs["head"][0]["pages"]
    for page in first:
        key = (page["user"], page["label"])
        row = {"user": key[0], "page": key[1], "families_in_scope": page["families_in_scope"]}
        for side, side_runs in keyed.items():
            found = [(pages[key], login) for pages, login in side_runs if key in pages]
            if not found:
                row[side] = None
                continue
            row[side] = {
                "queries": sorted({p["queries"] for p, _ in found}),
                "median_ms": statistics.median(p["median_ms"] for p, _ in found),
                "cpu_ms": statistics.median(p["cpu_median_ms"] for p, _ in found),
                "x_login": statistics.median(
                    p["median_ms"] / login["median_ms"] for p, login in found
                ),
            }
        if row["base"] and row["head"]:
            for what in ("median_ms", "cpu_ms", "x_login"):
                row[f"ratio_{what}"] = round(row["head"][what] / row["base"][what], 2)
        rows.append(row)
    return rows


def markdown(rows: list[dict], base_sha: str, head_sha: str, rounds: int, n: int) -> str:
    lines = [
        f"Baseline `{base_sha[:10]}`, head `{head_sha[:10]}`; {rounds} round(s) each, "
        f"{n} requests per page, medians over the rounds. Ratios are head / base "
        "(below 1: head faster).",
        "",
        "| user (families) | page | queries base | queries head | median ms base | head "
        "| ratio | CPU ms base | head | ratio | ratio in login units |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        b, h = r["base"], r["head"]
        if not (b and h):
            lines.append(f"| {r['user']} | {r['page']} | (missing on one side) |")
            continue
        lines.append(
            f"| {r['user']} ({r['families_in_scope']:,}) | {r['page']} | "
            f"{'/'.join(map(str, b['queries']))} | {'/'.join(map(str, h['queries']))} | "
            f"{b['median_ms']:.1f} | {h['median_ms']:.1f} | {r['ratio_median_ms']} | "
            f"{b['cpu_ms']:.1f} | {h['cpu_ms']:.1f} | {r['ratio_cpu_ms']} | "
            f"{r['ratio_x_login']} |"
        )
    ratios = [r for r in rows if r.get("ratio_cpu_ms") is not None]
    if ratios:
        lines += [
            "",
            "Geometric means over the pages: wall "
            f"{statistics.geometric_mean(r['ratio_median_ms'] for r in ratios):.2f}, CPU "
            f"{statistics.geometric_mean(r['ratio_cpu_ms'] for r in ratios):.2f}, login units "
            f"{statistics.geometric_mean(r['ratio_x_login'] for r in ratios):.2f}; pages with "
            "more queries at head: "
            f"{sum(max(r['head']['queries']) > max(r['base']['queries']) for r in ratios)}.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_pages_compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--baseline", required=True, help="revision to compare against")
    parser.add_argument("--baseline-path", type=Path, help="where to check it out")
    parser.add_argument("--rounds", type=int, default=2, help="runs per side (default 2)")
    parser.add_argument("-n", type=int, default=50, help="requests per page and run")
    parser.add_argument(
        "--only", nargs="*", choices=["facilitator", "small_facilitator", "supervisor", "admin"]
    )
    parser.add_argument("--keep", action="store_true", help="keep the baseline worktree")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "compare")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name the seeded PostgreSQL bench database")
    tree, base_sha, created = baseline_tree(args.baseline, args.baseline_path)
    head_sha = _git("rev-parse", "HEAD")
    args.out.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[dict]] = {"base": [], "head": []}
    try:
        for number in range(args.rounds):
            order = ("base", "head") if number % 2 == 0 else ("head", "base")
            for side in order:
                out = args.out / f"{side}-{number + 1}.json"
                runs[side].append(run_pages(tree if side == "base" else ROOT, out, args))
    finally:
        if created and not args.keep:
            _git("worktree", "remove", "--force", str(tree))
    rows = compare(runs)
    text = markdown(rows, base_sha, head_sha, args.rounds, args.n)
    print("\n" + text)
    (args.out / "compare.json").write_text(
        json.dumps({"base": base_sha, "head": head_sha, "rows": rows}, indent=2)
    )
    (args.out / "compare.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
