"""NIK and No. KK are masked in every log, written plain or in groups (pkh/logging.py):
the pattern, Django's request and runserver logs, and gunicorn's access log as
gunicorn.conf.py sets it up. The Celery worker's logs: test_celery_logging.py."""

import http.client
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pkh.logging import MASK, RedactPersonalDataFilter, redact

BASE_DIR = Path(__file__).resolve().parent.parent.parent

WRITTEN_NIKS = [
    "3402091203870001",
    "3402.0912.0387.0001",
    "3402 0912 0387 0001",
    "3402-0912-0387-0001",
    "34.02.09.120387.0001",
    "340209 120387 0001",
    "340209.120387.0001",
]


@pytest.mark.parametrize("nik", WRITTEN_NIKS)
def test_a_nik_written_any_usual_way_is_masked(nik):
    assert redact(f"baris 12: NIK {nik} sudah terdaftar") == f"baris 12: NIK {MASK} sudah terdaftar"
    assert redact(f"/keluarga/{nik}/") == f"/keluarga/{MASK}/"


@pytest.mark.parametrize(
    "text",
    [
        "desa 3402092001 kecamatan 340209",
        "wilayah 34.02.09.2001 dan 34.02.09",
        "kunjungan 2024-01-15, triwulan 2024-01-01 2024-03-31",
        "tanggal 15.01.2024 pukul 12.30",
        "1200 keluarga, 4 800 anggota, 17 ditolak",
        "id 12345 baris 250 dari 100000",
        "nomor 34020912038700011 (17 digit)",
        "dari 192.168.10.20 dalam 1.250 ms",
    ],
)
def test_ordinary_numbers_stay(text):
    assert redact(text) == text


def test_a_nik_next_to_other_numbers_is_masked_whole():
    assert redact("desa 3402092001 3402 0912 0387 0001") == f"desa 3402092001 {MASK}"
    assert redact("no 7 3402 0912 0387 0001 12") == f"no 7 {MASK}"


def test_the_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "NIK %s", ("3402.0912.0387.0001",), None
    )
    try:
        raise ValueError("NIK 3402 0912 0387 0001 sudah ada")
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactPersonalDataFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "0387" not in formatted
    assert f"NIK {MASK}" in formatted and f"ValueError: NIK {MASK} sudah ada" in formatted


def run_python(script: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


# Production's logging (pkh.settings.base with DEBUG off): Django's request log through
# the test client, and the runserver access log (logger django.server, a handler of its
# own that does not propagate).
DJANGO_SCRIPT = """
import logging
import django
django.setup()
from django.test import Client
Client().get("/keluarga/3402 0912 0387 0001/")
logging.getLogger("django.server").info('"GET /keluarga/3402.0912.0387.0001/ HTTP/1.1" 404 179')
logging.getLogger("django.server").info('"GET /wilayah/3402092001/ HTTP/1.1" 200 10')
logging.getLogger("no.handler.here").warning("NIK 34.02.09.120387.0001")
"""


def test_django_request_and_server_logs_mask_a_nik(tmp_path):
    output = run_python(
        DJANGO_SCRIPT,
        DJANGO_SETTINGS_MODULE="pkh.settings.base",
        DJANGO_DEBUG="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert f"Not Found: /keluarga/{MASK}/" in output
    assert f'"GET /keluarga/{MASK}/ HTTP/1.1" 404' in output
    assert "/wilayah/3402092001/" in output
    assert "0387" not in output, output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def test_gunicorn_access_log_masks_a_nik(tmp_path):
    """gunicorn with gunicorn.conf.py and the app, as the Procfile starts it. Anonymous
    requests to a URL that takes any text answer a redirect to the login page without
    touching the database; the access log has each path."""
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pkh.settings.base",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_CONTROL_SOCKET": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pkh.wsgi:application", "--config", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, process)
        paths = [f"/impor/1/laporan/{nik.replace(' ', '%20')}.csv" for nik in WRITTEN_NIKS]
        paths.append("/impor/1/laporan/3402092001.csv")
        for path in paths:
            # Generous: the first request loads the app in the worker, slow on a loaded machine.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path)
            assert connection.getresponse().status == 302
            connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    log = access_log.read_text()
    assert log.count(f"GET /impor/1/laporan/{MASK}.csv") == len(WRITTEN_NIKS), log
    assert "GET /impor/1/laporan/3402092001.csv" in log
    # No piece of the NIK is left beside its neighbours (a bare "0387" can be a pid in
    # gunicorn's "Booting worker with pid" line).
    leak = re.compile(r"0912[\s.\-]?0387|0387[\s.\-]?0001|120387")
    assert not leak.search(log) and not leak.search(output), log + output
