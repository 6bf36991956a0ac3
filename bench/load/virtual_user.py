"""One simulated user: its pages, think times, login and visit form, and the
recorder of its samples."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

import httpx

from bench.serve import ROOT

PASSWORD = "bench-pass-2025"
TARGET_P95_MS = 300.0
OUT = ROOT / "bench" / "out"

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FAMILY_RE = re.compile(r'href="/keluarga/(\d+)/" class="fw-semibold">([^<]*)</a>')
PAGES_RE = re.compile(r"Halaman \d+ dari (\d+)")
SELECT_RE = re.compile(r'<select name="desa".*?</select>', re.S)
OPTION_RE = re.compile(r'<option value="([^"]+)"')
INPUT_RE = r'name="{}"[^>]*?value="([^"]*)"'
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "Exception Value:")

COMPONENTS = ["SD", "SMP", "SMA", "ANAK_USIA_DINI", "LANSIA", "IBU_HAMIL"]
SORTS = ["nama", "id", "kunjungan", "-kunjungan", "desa"]
PURPOSES = ["verifikasi", "tindak_lanjut_p2k2", "advokasi_bansos", "graduasi", "lainnya"]
SUPERVISOR_PAGES = {
    "team_overview": "/keluarga/tim/",
    "report_team": "/laporan/tim/",
    "report_list": "/laporan/daftar/",
    "graduation_review": "/graduasi/review/",
    "aid_coverage": "/bansos/cakupan/",
}


@dataclass
class Sample:
    kind: str
    role: str
    at: float  # seconds since the window opened (negative: before it)
    ms: float
    status: int  # 0: no response
    error: str = ""


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.window_start = time.monotonic()
        self.saved_visits: list[dict] = []  # {"token", "household", "user"}
        self.failed_visit_posts: list[dict] = []


class WindowClosed(Exception):
    """The measured window ends during a think time: the user stops there."""


class VirtualUser:
    def __init__(self, *, username: str, role: str, url: str, rec: Recorder, args, rng):
        self.username, self.role, self.rec, self.args, self.rng = username, role, rec, args, rng
        self.client = httpx.AsyncClient(
            base_url=url, follow_redirects=False, timeout=args.timeout, http2=False
        )
        self.families: list[tuple[int, str]] = []
        self.pages = 1
        self.villages: list[str] = []
        self.searching = False
        self.deadline = float("inf")

    async def close(self) -> None:
        await self.client.aclose()

    async def request(
        self, kind: str, method: str, path: str, *, data=None, expect=(200,), location=None
    ) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await self.client.request(method, path, data=data)
            body = response.text
        except Exception as exc:  # timeouts, refused connections, resets
            ms = (time.monotonic() - started) * 1000
            self.rec.samples.append(
                Sample(kind, self.role, started - self.rec.window_start, ms, 0, type(exc).__name__)
            )
            return None
        ms = (time.monotonic() - started) * 1000
        error = ""
        if any(marker in body for marker in TRACEBACK_MARKERS):
            error = "traceback in page"
        elif response.status_code not in expect:
            error = f"status {response.status_code}"
        elif location and not response.headers.get("location", "").startswith(location):
            error = f"redirect to {response.headers.get('location', '')[:60]}"
        self.rec.samples.append(
            Sample(
                kind, self.role, started - self.rec.window_start, ms, response.status_code, error
            )
        )
        return None if error else response

    async def login(self) -> bool:
        page = await self.request("login_page", "GET", "/masuk/")
        if page is None:
            return False
        token = CSRF_RE.search(page.text).group(1)
        data = {
            "csrfmiddlewaretoken": token,
            "username": self.username,
            "password": PASSWORD,
            "next": "",
        }
        response = await self.request("login_post", "POST", "/masuk/", data=data, expect=(302,))
        return response is not None

    async def think(self) -> None:
        pause = self.rng.uniform(self.args.think_min, self.args.think_max)
        if time.monotonic() + pause >= self.deadline:
            raise WindowClosed
        await asyncio.sleep(pause)

    def _learn(self, html: str) -> None:
        families = [(int(pk), name) for pk, name in FAMILY_RE.findall(html)]
        if families:
            self.families = families
        pages = PAGES_RE.search(html)
        self.pages = int(pages.group(1)) if pages else 1
        select = SELECT_RE.search(html)
        if select and not self.villages:
            self.villages = [v for v in OPTION_RE.findall(select.group(0)) if v]

    # --- actions --------------------------------------------------------------------------
    async def caseload(self) -> None:
        if self.searching:
            await self.request("search_clear", "GET", "/keluarga/hapus-pencarian/", expect=(302,))
            self.searching = False
        page = self.rng.randint(1, self.pages)
        response = await self.request("caseload", "GET", f"/keluarga/?page={page}")
        if response is not None:
            self._learn(response.text)

    async def caseload_filtered(self) -> None:
        params = {}
        if self.rng.random() < 0.6:
            params["status"] = "active"
        if self.rng.random() < 0.4:
            params["komponen"] = self.rng.choice(COMPONENTS)
        if self.rng.random() < 0.3:
            params["belum_dikunjungi"] = "on"
        if self.villages and self.rng.random() < 0.4:
            params["desa"] = self.rng.choice(self.villages)
        params["urut"] = self.rng.choice(SORTS)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = await self.request("caseload_filtered", "GET", f"/keluarga/?{query}")
        if response is not None:
            self._learn(response.text)

    async def search(self) -> None:
        if not self.families:
            return await self.caseload()
        page = await self.request("caseload", "GET", "/keluarga/")
        if page is None:
            return
        self._learn(page.text)
        name = self.rng.choice(self.families)[1].split()
        term = self.rng.choice(name) if name else "SRI"
        data = {"csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1), "q": term}
        await self.think()
        posted = await self.request(
            "search_post", "POST", "/keluarga/", data=data, expect=(302,), location="/keluarga/"
        )
        if posted is None:
            return
        self.searching = True
        response = await self.request("caseload_search", "GET", posted.headers["location"])
        if response is not None:
            self._learn(response.text)

    async def family(self) -> int | None:
        if not self.families:
            await self.caseload()
            if not self.families:
                return None
            await self.think()
        pk = self.rng.choice(self.families)[0]
        response = await self.request("family", "GET", f"/keluarga/{pk}/")
        return pk if response is not None else None

    async def visit(self) -> None:
        pk = await self.family()
        if pk is None:
            return
        await self.think()
        form = await self.request("visit_form", "GET", f"/keluarga/{pk}/kunjungan/baru/")
        if form is None:
            return
        html = form.text
        token = re.search(INPUT_RE.format("client_token"), html).group(1)
        data = {
            "csrfmiddlewaretoken": CSRF_RE.search(html).group(1),
            "date": re.search(INPUT_RE.format("date"), html).group(1),
            "purpose": self.rng.choice(PURPOSES),
            "notes": f"Kunjungan rutin. {self.args.tag}",
            "follow_up_date": "",
            "client_token": token,
        }
        await self.think()  # filling the form in
        saved = await self.request(
            "visit_post",
            "POST",
            f"/keluarga/{pk}/kunjungan/baru/",
            data=data,
            expect=(302,),
            location=f"/keluarga/{pk}/",
        )
        record = {"token": token, "household": pk, "user": self.username, "data": data}
        if saved is None:
            self.rec.failed_visit_posts.append(record)
            return
        self.rec.saved_visits.append(record)
        await self.request("family", "GET", f"/keluarga/{pk}/")

    async def home(self) -> None:
        await self.request("home", "GET", "/")

    async def supervisor_page(self) -> None:
        kind = self.rng.choice(list(SUPERVISOR_PAGES))
        await self.request(kind, "GET", SUPERVISOR_PAGES[kind])

    async def run(self, deadline: float) -> None:
        if self.role == "facilitator":
            actions = [
                (self.caseload, 25),
                (self.caseload_filtered, 20),
                (self.search, 10),
                (self.family, 25),
                (self.visit, 12),
                (self.home, 8),
            ]
        else:
            actions = [
                (self.supervisor_page, 50),
                (self.home, 10),
                (self.caseload, 15),
                (self.caseload_filtered, 10),
                (self.family, 15),
            ]
        functions, weights = zip(*actions, strict=True)
        # Users do not all click at the same instant: start within one think time.
        await asyncio.sleep(self.rng.uniform(0, self.args.think_max))
        self.deadline = deadline
        try:
            while time.monotonic() < deadline:
                await self.rng.choices(functions, weights)[0]()
                await self.think()
        except WindowClosed:
            pass
