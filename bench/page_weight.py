"""Page weight on a phone: what an empty-cache facilitator page transfers under `make serve`.

    # starts `make serve` (web only) on a free port against its own database, seeds the
    # demo district, and measures this checkout; --compare also measures main, same run:
    .venv/bin/python -m bench.page_weight --compare main \\
        --database-url postgres://postgres@127.0.0.1:5432/pkh_weight \\
        --baseline-database-url postgres://postgres@127.0.0.1:5432/pkh_weight_base \\
        --broker redis://127.0.0.1:6379/9
    # or against a server that is already running (no baseline):
    .venv/bin/python -m bench.page_weight --url http://127.0.0.1:8000

For each tree (this checkout; with ``--compare REV`` also REV, checked out with
``git worktree add --detach`` into a scratch folder and removed afterwards): `make serve`
with pkh.settings.production (gunicorn + whitenoise, DEBUG off; ``PROCESSES=web``), then
``seed_demo`` into its database, then, signed in as the demo facilitator ``pendamping1``:

* home (``/``), caseload (``/keluarga/``) and one family page (``/keluarga/<id>/``), each
  with an empty cache: the HTML and every stylesheet, script, icon and image it links
  (and every ``url()`` in those stylesheets), requested with ``Accept-Encoding: br,
  gzip`` as a phone's browser sends it. Transferred bytes = response headers + body as
  sent (compressed when the server compressed it); the decoded size is reported too.
* Lighthouse (mobile, the default: simulated slow 4G and a 4x slower CPU), performance
  category, ``--runs`` times per page, median score, when node/npm are there: Lighthouse
  is installed with npm into ``--lighthouse-dir`` (outside the checkout) and drives
  ``CHROME_PATH`` (default /usr/bin/chromium) with --no-sandbox --headless --disable-gpu.
  The session cookie is passed as an extra header; Lighthouse clears the cache itself.

A baseline whose requirements.txt differs from this checkout's gets a virtualenv of its
own built from its requirements (cached under ~/.cache/pendamping/page-weight-venvs), so
it is served as it would be deployed (e.g. without Brotli if it did not pin it).

Goal (issue 19): at most 150 KB transferred per page, Lighthouse performance >= 95 on home
and family pages. Output: a Markdown table on stdout, JSON in bench/out/page-weight-*.json.
Exit status 1 if a goal is missed (``--no-goal`` turns that off).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx

from bench.serve import ROOT, Serve, free_port, serve_env

OUT = ROOT / "bench" / "out"
USERNAME = "pendamping1"
PASSWORD = "demo12345"  # households.demo.DEMO_PASSWORD
GOAL_KB = 150.0
GOAL_SCORE = 95
SCORED_PAGES = ("home", "family")  # the goal's pages (caseload is measured too)
LIGHTHOUSE_VERSION = "12.8.2"  # 13.x needs node 22
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pendamping"
ACCEPT_ENCODING = "br, gzip"

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FAMILY_RE = re.compile(r'href="/keluarga/(\d+)/"')
CSS_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class Links(HTMLParser):
    """The subresources a browser fetches for a page: stylesheets, icons, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower().split()
            if "stylesheet" in rel:
                self.urls.append(("css", a["href"]))
            elif {"icon", "preload", "modulepreload", "apple-touch-icon"} & set(rel):
                self.urls.append(("link", a["href"]))
        elif tag == "script" and a.get("src"):
            self.urls.append(("js", a["src"]))
        elif tag in ("img", "source") and (a.get("src") or a.get("srcset")):
            self.urls.append(("img", a.get("src") or a["srcset"].split()[0]))


@dataclass
class Resource:
    kind: str
    url: str
    status: int
    encoding: str
    transferred: int  # headers + body as sent
    decoded: int


@dataclass
class PageResult:
    name: str
    path: str
    resources: list[Resource] = field(default_factory=list)
    lighthouse: list[int] = field(default_factory=list)
    lighthouse_metrics: dict = field(default_factory=dict)

    @property
    def transferred(self) -> int:
        return sum(r.transferred for r in self.resources)

    @property
    def decoded(self) -> int:
        return sum(r.decoded for r in self.resources)

    @property
    def score(self) -> float | None:
        return statistics.median(self.lighthouse) if self.lighthouse else None


def log(message: str) -> None:
    print(f"[page_weight {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr)


def header_bytes(response: httpx.Response) -> int:
    """The size of the status line and headers as sent (HTTP/1.1)."""
    status_line = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"
    return len(status_line) + sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 2


def fetch(client: httpx.Client, kind: str, url: str) -> tuple[Resource, httpx.Response]:
    with client.stream("GET", url, headers={"Accept-Encoding": ACCEPT_ENCODING}) as response:
        raw = b"".join(response.iter_raw())
    encoding = response.headers.get("content-encoding", "")
    body = decode(raw, encoding)
    response._content = body  # so .text works for HTML and CSS
    resource = Resource(
        kind=kind,
        url=url,
        status=response.status_code,
        encoding=encoding or "identity",
        transferred=header_bytes(response) + len(raw),
        decoded=len(body),
    )
    return resource, response


def decode(raw: bytes, encoding: str) -> bytes:
    if encoding == "br":
        import brotli

        return brotli.decompress(raw)
    if encoding == "gzip":
        import gzip

        return gzip.decompress(raw)
    return raw


def measure_page(base: str, cookies: httpx.Cookies, name: str, path: str) -> PageResult:
    """One page with an empty cache: a new client holding only the session cookie."""
    result = PageResult(name=name, path=path)
    with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
        resource, response = fetch(client, "html", path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: status {response.status_code}")
        result.resources.append(resource)
        parser = Links()
        parser.feed(response.text)
        seen = {path}
        todo = [(kind, urljoin(path, url)) for kind, url in parser.urls]
        while todo:
            kind, url = todo.pop(0)
            if url in seen or url.startswith("data:") or urlparse(url).netloc:
                continue  # fetched once; no external origin is expected (no CDN)
            seen.add(url)
            resource, response = fetch(client, kind, url)
            result.resources.append(resource)
            if kind == "css" and response.status_code == 200:
                for ref in CSS_URL_RE.findall(response.text):
                    if not ref.startswith("data:"):
                        todo.append(("css-url", urljoin(url, ref)))
    return result


def sign_in(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/masuk/")
        token = CSRF_RE.search(page.text).group(1)
        response = client.post(
            "/masuk/",
            data={"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in as {USERNAME} failed ({response.status_code})")
        return client.cookies


def pages_to_measure(base: str, cookies: httpx.Cookies) -> list[tuple[str, str]]:
    with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
        caseload = client.get("/keluarga/")
    family = FAMILY_RE.search(caseload.text)
    if not family:
        raise RuntimeError("the caseload lists no family: is the demo district seeded?")
    return [("home", "/"), ("caseload", "/keluarga/"), ("family", f"/keluarga/{family[1]}/")]


# --- Lighthouse --------------------------------------------------------------------------
def lighthouse_bin(folder: Path, *, install: bool) -> Path | None:
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if not install or not shutil.which("npm") or not shutil.which("node"):
        return None
    log(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--silent",
         f"lighthouse@{LIGHTHOUSE_VERSION}"],
        check=True,
    )  # fmt: skip
    return binary if binary.exists() else None


def lighthouse(binary: Path, url: str, cookies: httpx.Cookies, chrome: str) -> tuple[int, dict]:
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    with tempfile.TemporaryDirectory(prefix="page-weight-lh-") as tmp:
        headers = Path(tmp) / "headers.json"
        headers.write_text(json.dumps({"Cookie": cookie}))
        report = Path(tmp) / "report.json"
        env = {**os.environ, "CHROME_PATH": chrome}
        subprocess.run(
            [str(binary), url, "--only-categories=performance", "--output=json",
             f"--output-path={report}", f"--extra-headers={headers}", "--quiet",
             f"--chrome-flags=--no-sandbox --headless --disable-gpu --user-data-dir={tmp}/chrome"],
            check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        data = json.loads(report.read_text())
    audits = data["audits"]
    final = data.get("finalDisplayedUrl") or data.get("finalUrl", "")
    if urlparse(final).path.startswith("/masuk"):
        raise RuntimeError(f"Lighthouse was sent to the login page for {url}")
    metrics = {
        key: round(audits[key]["numericValue"])
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "speed-index",
            "total-blocking-time",
        )
    }
    metrics["cumulative-layout-shift"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    unused = audits.get("unused-css-rules", {}).get("details", {}).get("overallSavingsBytes")
    metrics["unused-css-bytes"] = round(unused or 0)
    blocking = audits.get("render-blocking-resources", {}).get("numericValue")
    metrics["render-blocking-ms"] = round(blocking or 0)
    return round(data["categories"]["performance"]["score"] * 100), metrics


# --- servers -----------------------------------------------------------------------------
def baseline_tree(rev: str, folder: Path) -> Path:
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(folder), rev],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder


def venv_for(tree: Path) -> Path:
    """This checkout's .venv, or one built from ``tree``'s requirements when they differ."""
    here = (ROOT / "requirements.txt").read_bytes()
    there = (tree / "requirements.txt").read_bytes()
    if here == there:
        return (ROOT / ".venv").resolve()
    folder = CACHE / "page-weight-venvs" / hashlib.sha256(there).hexdigest()[:16]
    if not (folder / ".ready").exists():
        log(f"building a virtualenv from {tree.name}'s requirements.txt in {folder}")
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run(
            [str(folder / "bin/python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", "-r", str(tree / "requirements.txt")],
            check=True,
        )  # fmt: skip
        (folder / ".ready").touch()
    return folder


def measure_tree(label: str, tree: Path, args, chrome: str, lh: Path | None) -> dict:
    port = free_port()
    venv = venv_for(tree)
    link = tree / ".venv"
    if not link.exists():
        link.symlink_to(venv)
    env = serve_env(
        database_url=args.database_url if tree == ROOT else args.baseline_database_url,
        broker_url=args.broker,
        port=port,
        workers=args.workers,
        extra={"PATH": f"{venv / 'bin'}:{os.environ['PATH']}"},
    )
    log_path = OUT / f"page-weight-serve-{label}.log"
    server = Serve(env=env, port=port, log_path=log_path, processes="web", cwd=tree)
    log(f"{label}: make serve in {tree} on port {port} (log {log_path})")
    try:
        server.start()
        server.wait_ready()
        seed_env = {**env, "DJANGO_SETTINGS_MODULE": "pkh.settings.base"}
        log(f"{label}: seed_demo")
        subprocess.run(
            [str(venv / "bin/python"), "manage.py", "seed_demo"],
            cwd=tree,
            env=seed_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return measure_url(label, server.url, args, chrome, lh)
    finally:
        server.stop()


def measure_url(label: str, base: str, args, chrome: str, lh: Path | None) -> dict:
    cookies = sign_in(base)
    results = []
    for name, path in pages_to_measure(base, cookies):
        page = measure_page(base, cookies, name, path)
        if lh:
            for _ in range(args.runs):
                for attempt in (1, 2):  # a Chromium that fails to start: once more
                    try:
                        score, metrics = lighthouse(lh, base + path, cookies, chrome)
                    except subprocess.CalledProcessError as exc:
                        tail = (exc.stderr or b"").decode(errors="replace").strip()[-500:]
                        log(f"{label} {name}: Lighthouse failed (attempt {attempt}): {tail}")
                        continue
                    page.lighthouse.append(score)
                    page.lighthouse_metrics = metrics  # of the last run
                    break
        log(
            f"{label} {name}: {page.transferred / 1000:.1f} KB transferred, "
            f"{page.decoded / 1000:.1f} KB decoded, Lighthouse {page.lighthouse or '-'}"
        )
        results.append(page)
    return {"label": label, "pages": results}


# --- report ------------------------------------------------------------------------------
def kb(n: int) -> str:
    return f"{n / 1000:.1f}"


def report(runs: list[dict], command: str) -> str:
    lines = [f"Command: `{command}`", ""]
    lines.append(
        "| tree | page | transferred KB | decoded KB | requests | Lighthouse (median) "
        "| FCP ms | LCP ms | TBT ms | unused CSS KB |"
    )
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        for page in run["pages"]:
            m = page.lighthouse_metrics
            score = "-" if page.score is None else f"{page.score:g} {page.lighthouse}"
            lines.append(
                f"| {run['label']} | {page.name} | {kb(page.transferred)} | {kb(page.decoded)} "
                f"| {len(page.resources)} | {score} | {m.get('first-contentful-paint', '-')} "
                f"| {m.get('largest-contentful-paint', '-')} "
                f"| {m.get('total-blocking-time', '-')} "
                f"| {kb(m['unused-css-bytes']) if m else '-'} |"
            )
    if len(runs) == 2:
        lines += ["", "| page | transferred, this / baseline | Lighthouse, this - baseline |"]
        lines.append("|---|---:|---:|")
        base = {p.name: p for p in runs[1]["pages"]}
        for page in runs[0]["pages"]:
            other = base[page.name]
            diff = (
                f"{page.score - other.score:+g}"
                if page.score is not None and other.score is not None
                else "-"
            )
            lines.append(f"| {page.name} | {page.transferred / other.transferred:.2f} | {diff} |")
    lines += ["", "Resources (this tree):", ""]
    lines.append("| page | kind | url | encoding | transferred B | decoded B |")
    lines.append("|---|---|---|---|---:|---:|")
    for page in runs[0]["pages"]:
        for r in page.resources:
            lines.append(
                f"| {page.name} | {r.kind} | {r.url} | {r.encoding} | {r.transferred} "
                f"| {r.decoded} |"
            )
    return "\n".join(lines)


def goal_missed(run: dict, *, lighthouse_ran: bool) -> list[str]:
    missed = []
    for page in run["pages"]:
        if page.transferred > GOAL_KB * 1000:
            missed.append(f"{page.name}: {kb(page.transferred)} KB > {GOAL_KB:g} KB")
        if lighthouse_ran and page.name in SCORED_PAGES:
            if page.score is None:
                missed.append(f"{page.name}: no Lighthouse score (every run failed)")
            elif page.score < GOAL_SCORE:
                missed.append(f"{page.name}: Lighthouse {page.score:g} < {GOAL_SCORE}")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="measure a running server (demo data loaded) instead")
    parser.add_argument("--compare", metavar="REV", help="also measure this git revision")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/pkh_page_weight"
    )
    parser.add_argument(
        "--baseline-database-url",
        default="postgres://postgres@127.0.0.1:5432/pkh_page_weight_base",
    )
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--lighthouse-dir", type=Path, default=CACHE / "lighthouse")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--no-goal", action="store_true", help="exit 0 even if a goal is missed")
    args = parser.parse_args(argv)
    if args.compare and args.url:
        parser.error("--compare starts its own servers; leave out --url")

    lh = None
    if not args.no_lighthouse:
        lh = lighthouse_bin(args.lighthouse_dir, install=True)
        if lh is None or not Path(args.chrome).exists():
            log("Lighthouse or Chromium not available: weights only")
            lh = None
    OUT.mkdir(parents=True, exist_ok=True)
    runs = []
    scratch = None
    try:
        if args.url:
            runs.append(measure_url("server", args.url.rstrip("/"), args, args.chrome, lh))
        else:
            runs.append(measure_tree("this", ROOT, args, args.chrome, lh))
            if args.compare:
                scratch = Path(tempfile.mkdtemp(prefix="page-weight-base-"))
                tree = baseline_tree(args.compare, scratch / "tree")
                runs.append(measure_tree(args.compare, tree, args, args.chrome, lh))
    finally:
        if scratch:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(scratch / "tree")],
                cwd=ROOT,
                check=False,
            )
            shutil.rmtree(scratch, ignore_errors=True)

    command = " ".join(["python -m bench.page_weight", *(argv or sys.argv[1:])])
    text = report(runs, command)
    print(text)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    data = [
        {"label": r["label"], "pages": [{**asdict(p), "score": p.score} for p in r["pages"]]}
        for r in runs
    ]
    (OUT / f"page-weight-{stamp}.json").write_text(json.dumps(data, indent=1))
    (OUT / f"page-weight-{stamp}.md").write_text(text + "\n")
    missed = goal_missed(runs[0], lighthouse_ran=lh is not None)
    for line in missed:
        log(f"goal missed: {line}")
    return 1 if missed and not args.no_goal else 0


if __name__ == "__main__":
    sys.exit(main())
