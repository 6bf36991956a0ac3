"""Worker and beat logs mask NIK / No. KK like the web's (pkh/logging.py, pkh/celery.py)."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# What `celery worker` and `celery beat` do at start: Django set up, then Celery's logging.
SCRIPT = """
import logging
import django
django.setup()
from celery.utils.log import get_task_logger
from pkh.celery import app
app.log.setup(loglevel="INFO")
logging.getLogger("imports.services").warning("baris NIK 3402094502870001 ditolak")
get_task_logger("imports.tasks").warning("No. KK 3402091203150007 diproses")
logging.getLogger("imports.services").warning("baris NIK 3402.0945.0287.0002 ditolak")
get_task_logger("imports.tasks").warning("No. KK 3402 0912 0315 0008 diproses")
get_task_logger("reports.tasks").warning("anggota 34.02.09.450287.0003 di desa 3402092001")
"""


def test_a_celery_process_masks_sixteen_digit_identifiers():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pkh.settings.test", "PYTHONPATH": str(BASE_DIR)}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "baris NIK [disamarkan] ditolak" in output
    assert "No. KK [disamarkan] diproses" in output
    assert "3402094502870001" not in output and "3402091203150007" not in output
    # Written in groups (pkh/logging.py): dots, spaces; a village code stays.
    assert "baris NIK [disamarkan] ditolak" in output.replace("3402094502870001", "")
    assert output.count("[disamarkan]") == 5, output
    assert "anggota [disamarkan] di desa 3402092001" in output
    assert "0945" not in output and "0315" not in output and "450287" not in output
