"""The Markdown summary of a run."""

from __future__ import annotations

from bench.load.virtual_user import TARGET_P95_MS


def markdown(report: dict) -> str:
    o, s = report["overall"], report["settings"]
    lines = [
        f"Load run {report['started'][:19]} ({report['tag']}): {s['users']} users "
        f"({s['facilitators']} facilitators, {s['supervisors']} supervisors), "
        f"{s['duration_s']} s, think time {s['think_time_s'][0]}-{s['think_time_s'][1]} s, "
        f"WEB_CONCURRENCY={s['web_concurrency']}, {s['cpus']} CPUs",
        f"uptime before: {report['uptime_before']}",
        f"uptime after:  {report['uptime_after']}",
        "",
        "| baseline (one request at a time) | n | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, b in report["baseline"].items():
        lines.append(
            f"| {name} `{b['path']}` | {b['n']} | {b['p50_ms']} | {b['p95_ms']} | {b['max_ms']} |"
        )
    lines += [
        "",
        f"**{o['n']} requests in {o['elapsed_s']} s: {o['requests_per_second']} req/s, "
        f"{o['errors']} errors**"
        + (
            f", web CPU {o['web_cpu_ms_per_request']} ms/request"
            if "web_cpu_ms_per_request" in o
            else ""
        ),
        "",
        "| page kind | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name, k):
        flag = " **(over)**" if k["p95_ms"] is not None and k["p95_ms"] > TARGET_P95_MS else ""
        return (
            f"| {name} | {k['n']} | {k['errors']} | {k['p50_ms']} | {k['p95_ms']}{flag} | "
            f"{k['p99_ms']} | {k['max_ms']} |"
        )

    for kind, k in report["per_kind"].items():
        lines.append(row(kind, k))
    lines.append(row("**overall**", o))
    lg = report["logins_before_window"]
    lines += [
        "",
        f"Logins before the window: {lg['n']}, p50 {lg['p50_ms']} ms, p95 {lg['p95_ms']} ms.",
    ]
    if report["errors"]:
        lines.append("Errors: " + ", ".join(f"{k} x{v}" for k, v in report["errors"].items()))
    db = report["database_check"]
    lines.append(
        f"Database check: {'PASS' if db['ok'] else 'FAIL'}: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in db.items() if k != "ok")
    )
    target = o["errors"] == 0 and o["p95_ms"] is not None and o["p95_ms"] < TARGET_P95_MS
    lines.append(
        f"Target (0 errors, overall p95 < {TARGET_P95_MS:.0f} ms): {'met' if target else 'NOT met'}"
    )
    return "\n".join(lines)
