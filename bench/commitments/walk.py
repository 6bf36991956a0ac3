"""A facilitator enters a whole month through the real HTTP stack (Django test client):
the month screen, then each school's and facility's list opened (GET) and saved (POST)
as the screen lists them, then the month screen again. Each request is timed (wall and
CPU of this process) and its queries counted (``connection.execute_wrapper``: no debug
cursor, nothing kept).

The POST is what the form offers (the screen's defaults: school days of the month, no
absence, every item ticked) with a realistic share of non-compliance: a pupil absent
5 days, a health item unticked, for ``fail_percent`` of the rows (seeded random)."""

from __future__ import annotations

import random
import re
import statistics
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Request:
    label: str  # "month", "sheet GET", "sheet POST"
    ms: float
    cpu_ms: float
    queries: int
    status: int


@dataclass
class Walk:
    requests: list[Request] = field(default_factory=list)
    rows_saved: int = 0
    places: int = 0

    def of(self, label: str) -> list[Request]:
        return [r for r in self.requests if r.label == label]

    @property
    def total_ms(self) -> float:
        return sum(r.ms for r in self.requests)

    @property
    def total_cpu_ms(self) -> float:
        return sum(r.cpu_ms for r in self.requests)

    def summary(self, label: str) -> dict:
        rs = self.of(label)
        return {
            "label": label,
            "requests": len(rs),
            "median_ms": round(statistics.median(r.ms for r in rs), 1),
            "max_ms": round(max(r.ms for r in rs), 1),
            "total_ms": round(sum(r.ms for r in rs), 1),
            "max_queries": max(r.queries for r in rs),
            "min_queries": min(r.queries for r in rs),
        }


class QueryCounter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def timed(client, method: str, url: str, data=None, *, label: str, walk: Walk, expect: int):
    from django.db import connection

    counter = QueryCounter()
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        response = getattr(client, method)(url, data or {})
    walk.requests.append(
        Request(
            label,
            (time.perf_counter() - started) * 1000,
            (time.process_time() - cpu) * 1000,
            counter.n,
            response.status_code,
        )
    )
    if response.status_code != expect:
        raise AssertionError(f"{method.upper()} {url}: {response.status_code}, expected {expect}")
    return response


class FormInputs(HTMLParser):
    """The ``<input>`` elements of the page's ``<form id=sheet-form>``, as a browser
    would submit them (checkboxes only when checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.inputs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "sheet-form"
        elif tag == "input" and self.inside and a.get("name"):
            self.inputs.append(a)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def post_data(html: str, rng: random.Random, fail_percent: int) -> dict:
    """The sheet's form as the screen offers it, with some non-compliance typed in."""
    parser = FormInputs()
    parser.feed(html)
    data = {}
    for a in parser.inputs:
        name, kind = a["name"], a.get("type", "text")
        if kind == "checkbox":
            if "checked" in a and rng.randrange(100) >= fail_percent:
                data[name] = a.get("value", "on")
        elif name.endswith("_days_unexcused") and rng.randrange(100) < fail_percent:
            data[name] = "5"
        else:
            data[name] = a.get("value", "")
    return data


def sheet_links(html: str, month_key: str) -> list[tuple[str, int]]:
    """The month screen's links to a list (``(kind, pk)``), in the screen's order."""
    from django.urls import reverse

    prefix = reverse("commitments:sheet", args=[month_key, "x", 0]).removesuffix("x/0/")
    found = re.findall(re.escape(prefix) + r"(sekolah|faskes|tidak-terdaftar)/(\d+)/", html)
    return list(dict.fromkeys((kind, int(pk)) for kind, pk in found))


def month_walk(client, *, month_key: str, fail_percent: int = 8, seed: int = 2025) -> Walk:
    """Enter the whole month ``month_key`` (YYYY-MM) as the logged-in facilitator, the
    way a browser does: the links of the month screen, the inputs of each list."""
    from django.urls import reverse

    rng = random.Random(seed)
    walk = Walk()
    month_url = f"{reverse('commitments:month')}?bulan={month_key}"
    response = timed(client, "get", month_url, label="month", walk=walk, expect=200)
    for kind, pk in sheet_links(response.content.decode(), month_key):
        url = reverse("commitments:sheet", args=[month_key, kind, pk])
        page = timed(client, "get", url, label="sheet GET", walk=walk, expect=200)
        html = page.content.decode()
        timed(client, "post", url, post_data(html, rng, fail_percent), label="sheet POST",
              walk=walk, expect=302)  # fmt: skip
        walk.rows_saved += html.count('class="att-row')
        walk.places += 1
    timed(client, "get", month_url, label="month", walk=walk, expect=200)
    return walk


def clear_month(*, facilitator_id: int, month) -> int:
    """Remove what an earlier run entered for the facilitator's families in ``month``
    (entries, their history rows and the sheets), so every run enters the month anew."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        hh = "SELECT id FROM households_household WHERE facilitator_id = %s"
        cur.execute(
            f"DELETE FROM commitments_verificationentry WHERE month = %s "
            f"AND household_id IN ({hh})",
            [month, facilitator_id],
        )
        removed = cur.rowcount
        cur.execute(
            f"DELETE FROM commitments_historicalverificationentry WHERE month = %s "
            f"AND household_id IN ({hh})",
            [month, facilitator_id],
        )
        cur.execute(
            "DELETE FROM commitments_verificationsheet WHERE month = %s AND saved_by_id = %s",
            [month, facilitator_id],
        )
    return removed
