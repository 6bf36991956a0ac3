"""Statistics: latency percentiles, the one-at-a-time baseline, machine load and CPU."""

from __future__ import annotations

import os
import statistics
import subprocess
import time

import httpx

from bench.common import percentile
from bench.load.virtual_user import Sample
from bench.serve import Serve


def summarise(samples: list[Sample]) -> dict:
    times = [s.ms for s in samples]
    errors = [s for s in samples if s.error]
    return {
        "n": len(samples),
        "errors": len(errors),
        "p50_ms": round(percentile(times, 50), 1) if times else None,
        "p95_ms": round(percentile(times, 95), 1) if times else None,
        "p99_ms": round(percentile(times, 99), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        "mean_ms": round(statistics.fmean(times), 1) if times else None,
    }


async def sequential(url: str, path: str, n: int, *, cookies=None) -> dict:
    async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=30) as client:
        await client.get(path)  # warm-up
        times, statuses = [], set()
        for _ in range(n):
            started = time.monotonic()
            response = await client.get(path)
            times.append((time.monotonic() - started) * 1000)
            statuses.add(response.status_code)
    return {
        "path": path,
        "n": n,
        "statuses": sorted(statuses),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def loadavg() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / ticks


def web_pids(serve: Serve | None) -> list[int]:
    if serve is None or serve.proc is None:
        return []
    return serve.pids("gunicorn")
