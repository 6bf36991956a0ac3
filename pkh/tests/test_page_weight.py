"""What a phone downloads: the purged Bootstrap, deferred scripts, compressed static files.

The pages link static/vendor/bootstrap/bootstrap.purged.min.css, built by
scripts/build_css.sh (PurgeCSS) and committed, so no test needs npm. These tests fail when
a template uses a Bootstrap class the purged file dropped (run the script again), or when
the file is older than the inputs its header records. bench/page_weight.py measures the
weight itself against `make serve`.
"""

from __future__ import annotations

import hashlib
import re
import sysconfig
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
BOOTSTRAP = BASE_DIR / "static/vendor/bootstrap"
FULL = BOOTSTRAP / "bootstrap.min.css"
PURGED = BOOTSTRAP / "bootstrap.purged.min.css"
BUILD_INPUTS = [FULL, BASE_DIR / "scripts/purgecss.config.cjs", BASE_DIR / "scripts/build_css.sh"]
APPS = ["accounts", "assistance", "fds_sessions", "graduation", "households", "imports", "pkh"]
APPS += ["reports", "corrections"]

# A template or format placeholder inside a class attribute: {{ x }}, {% if %}, "{0}".
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[^{}\"'\s]*\}", re.S)
MARK = "\x00"
CLASS_ATTR = re.compile(r"""\bclass=(["'])(.*?)\1""", re.S)
# Python that sets a widget's classes: attrs={"class": "form-control"}, attrs["class"] = "...".
PY_CLASS = re.compile(r"""["']class["']\s*(?:\]\s*\+?=|:)\s*["']([^"']*)["']""")


def css_classes(css: str) -> set[str]:
    """Every class name a stylesheet's selectors mention."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"url\([^)]*\)|\"[^\"]*\"|'[^']*'", "", css)  # data: URIs and strings
    selectors = re.findall(r"([^{}]+)\{", css)
    return {name for sel in selectors for name in re.findall(r"\.(-?[_a-zA-Z][\w-]*)", sel)}


def classes_in(text: str, *, python: bool = False) -> tuple[set[str], set[str]]:
    """(literal class names, prefixes a placeholder completes) in a template or module.

    ``alert alert-{{ tag }}`` gives ``{"alert"}`` and the prefix ``alert-``: any class
    beginning so may be asked for.
    """
    text = PLACEHOLDER.sub(MARK, text)
    values = [m.group(2) for m in CLASS_ATTR.finditer(text)]
    if python:
        values += PY_CLASS.findall(text)
    literal, prefixes = set(), set()
    for value in values:
        for token in value.split():
            pieces = token.split(MARK)
            for i, piece in enumerate(pieces):
                if not piece:
                    continue
                if i < len(pieces) - 1 and piece.endswith("-"):
                    prefixes.add(piece)
                else:
                    literal.add(piece)
    return literal, prefixes


def our_sources() -> list[tuple[Path, bool]]:
    files = [(path, False) for path in (BASE_DIR / "templates").rglob("*.html")]
    for app in APPS:
        files += [(path, False) for path in (BASE_DIR / app).glob("templates/**/*.html")]
        files += [
            (path, True)
            for path in (BASE_DIR / app).rglob("*.py")
            if "tests" not in path.parts and "migrations" not in path.parts
        ]
    return files


def crispy_templates() -> list[Path]:
    pack = Path(sysconfig.get_paths()["purelib"]) / "crispy_bootstrap5/templates/bootstrap5"
    return sorted(pack.rglob("*.html"))


@pytest.fixture(scope="module")
def bootstrap() -> tuple[set[str], set[str]]:
    return css_classes(FULL.read_text()), css_classes(PURGED.read_text())


def test_every_bootstrap_class_a_template_writes_is_in_the_purged_css(bootstrap):
    full, purged = bootstrap
    missing: dict[str, set[str]] = {}
    for path, python in our_sources():
        literal, prefixes = classes_in(path.read_text(), python=python)
        wanted = {name for name in literal if name in full}
        # A class finished by a value: every Bootstrap class it could become.
        wanted |= {name for name in full for prefix in prefixes if name.startswith(prefix)}
        if lost := wanted - purged:
            missing[str(path.relative_to(BASE_DIR))] = lost
    assert not missing, (
        f"Bootstrap classes used but purged (run scripts/build_css.sh, or safelist a class "
        f"built from a value in scripts/purgecss.config.cjs): {missing}"
    )


def test_the_form_templates_classes_are_in_the_purged_css(bootstrap):
    # crispy-forms' bootstrap5 pack renders our forms: its literal classes stay.
    full, purged = bootstrap
    templates = crispy_templates()
    assert templates, "crispy_bootstrap5 templates not found"
    missing = {}
    for path in templates:
        literal, _prefixes = classes_in(path.read_text())
        if lost := {name for name in literal if name in full} - purged:
            missing[path.name] = lost
    assert not missing, missing


def test_the_classes_bootstraps_scripts_switch_on_are_kept(bootstrap):
    _full, purged = bootstrap
    assert {"show", "collapse", "collapsing", "fade", "active", "disabled"} <= purged
    assert {"is-invalid", "was-validated", "invalid-feedback"} <= purged
    assert {"alert-success", "alert-info", "alert-warning", "alert-danger"} <= purged


def test_the_purged_css_is_built_from_the_current_inputs():
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in BUILD_INPUTS)).hexdigest()
    header = PURGED.read_text()[:400]
    recorded = re.search(r"inputs-sha256: ([0-9a-f]{64})", header)
    assert recorded, "no inputs-sha256 in the purged file's header"
    assert recorded.group(1) == digest, (
        "Bootstrap, scripts/purgecss.config.cjs or scripts/build_css.sh changed since "
        "bootstrap.purged.min.css was built: run scripts/build_css.sh and commit the result"
    )
    assert PURGED.read_text().startswith('@charset "UTF-8";')


def test_the_purged_css_is_much_smaller():
    assert PURGED.stat().st_size < FULL.stat().st_size * 0.4


def test_no_page_links_the_full_bootstrap():
    for path in (BASE_DIR / "templates").rglob("*.html"):
        assert "bootstrap.min.css" not in path.read_text(), path


@pytest.mark.django_db
def test_pages_link_the_purged_css_and_defer_every_script(client, facilitator):
    client.force_login(facilitator)
    for url in ("/", "/masuk/", "/tidak-ada/"):
        body = client.get(url).content.decode()
        assert "bootstrap.purged.min.css" in body, url
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", body)
        assert all(re.search(r"\sdefer[\s>]", tag) for tag in scripts), (url, scripts)


def test_production_compresses_static_files_with_brotli_and_gzip():
    from whitenoise.compress import Compressor

    # Brotli (requirements.txt) makes whitenoise write a .br beside each .gz.
    assert Compressor(quiet=True).use_brotli


def test_production_does_not_compress_html():
    # No GZipMiddleware: compressing pages that carry a CSRF token next to text an
    # attacker can inject lets them read the token back (BREACH). Only static files are
    # compressed, ahead of time, by whitenoise.
    from pkh.settings import base

    production = (BASE_DIR / "pkh/settings/production.py").read_text()
    assert not any("GZip" in name for name in base.MIDDLEWARE)
    assert "GZip" not in production
    assert "whitenoise.storage.CompressedManifestStaticFilesStorage" in production


def test_full_classes_parser_sees_bootstrap():
    full = css_classes(FULL.read_text())
    assert {"btn", "navbar-toggler", "text-bg-danger", "col-md-6"} <= full
    assert "w3" not in full  # nothing from the data: URIs
