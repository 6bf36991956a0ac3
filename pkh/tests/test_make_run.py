"""`make run`: the port comes from PORT, and the console stays quiet (issue 19)."""

import importlib
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def _serve_dry_run(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "CELERY_BROKER_URL")}
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "serve.sh")],
        env={**environment, "SERVE_DRY_RUN": "1", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_serve_passes_the_port_to_the_server():
    run = _serve_dry_run(PORT="8100")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [".venv/bin/python manage.py runserver 127.0.0.1:8100"]


def test_serve_defaults_to_port_8000_and_starts_a_quiet_worker_with_a_broker():
    run = _serve_dry_run(CELERY_BROKER_URL="redis://127.0.0.1:6379/5")
    assert run.returncode == 0, run.stderr
    worker, server = run.stdout.splitlines()
    assert "celery -A pkh worker --beat --loglevel=WARNING" in worker
    assert server.endswith("runserver 127.0.0.1:8000")


def test_serve_refuses_a_port_that_is_not_a_number():
    run = _serve_dry_run(PORT="80; rm -rf /")
    assert run.returncode == 2
    assert "PORT must be a number" in run.stderr
    assert run.stdout == ""


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
@pytest.mark.parametrize("how", ["environment", "argument"])
def test_make_run_hands_the_port_to_serve(how):
    env = {**os.environ, "PORT": "8100"} if how == "environment" else dict(os.environ)
    if how == "environment":
        args = ["make", "-n", "-W", ".venv/.runtime", "run"]
    else:
        env.pop("PORT", None)
        args = ["make", "-n", "-W", ".venv/.runtime", "run", "PORT=8100"]
    run = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert "PORT=8100 ./scripts/serve.sh" in run.stdout


# A command and a report run under the development settings (what `make run` uses), in a
# process of its own with a fresh SQLite database: nothing at INFO reaches the console.
_SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from accounts.tests.factories import FacilitatorFactory
    facilitator = FacilitatorFactory()
    call_command("progress_reports", quarter="2026Q2", facilitator=[facilitator.username])
    """
)


def test_commands_and_report_runs_log_no_info_lines_under_the_development_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pkh.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL_TEST", None)
    run = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    output = run.stdout + run.stderr
    assert "2026Q2" in run.stdout  # the command did report on its work
    assert " INFO " not in output, output


def test_production_settings_still_log_info(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.org")
    monkeypatch.delenv("DJANGO_LOG_LEVEL", raising=False)
    production = importlib.reload(importlib.import_module("pkh.settings.production"))
    base = importlib.import_module("pkh.settings.base")
    assert production.LOGGING["root"]["level"] == "INFO"
    assert base.LOGGING["root"]["level"] == os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
