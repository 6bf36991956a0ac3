"""The service worker's source: ``static/js/sw.js`` with the list of files it keeps
(the app shell's static assets, by their served URLs, hashed in production) and a
version that changes whenever one of them does, so that phones drop the old copy."""

from __future__ import annotations

import functools
import hashlib
import json

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

# What the offline shell (templates/field/app.html and base.html) loads.
SHELL_ASSETS = (
    "vendor/bootstrap/bootstrap.purged.min.css",
    "css/app.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "js/table-scroll.js",
    "js/field-boot.js",
    "js/field-app.js",
    "img/favicon.svg",
    "img/icon-192.png",
)


@functools.cache
def service_worker_source() -> str:
    digest = hashlib.sha256()
    for name in ("js/sw.js", *SHELL_ASSETS):
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    config = {
        "version": digest.hexdigest()[:12],
        "shell": reverse("field:app"),
        "assets": [static(name) for name in SHELL_ASSETS],
        "staticPrefix": static(""),
    }
    with open(finders.find("js/sw.js"), encoding="utf-8") as f:
        source = f.read()
    return f"var PKH_SW = {json.dumps(config)};\n{source}"
