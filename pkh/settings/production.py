"""Production settings: everything comes from the environment; no insecure defaults.

HTTPS is assumed: cookies are Secure, HTTP is redirected to HTTPS and HSTS is sent.
``DJANGO_SECURE_COOKIES=false`` and ``DJANGO_SECURE_SSL_REDIRECT=false`` turn that off
explicitly for a plain-HTTP run on the loopback (``make serve`` on one machine); never
on a server reached over a network. docs/security.md lists every variable.
"""

from pkh.settings.base import *  # noqa: F403
from pkh.settings.base import LOGGING, MIDDLEWARE, STORAGES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Behind a load balancer that terminates TLS: trust its "this was HTTPS" header. Set
# DJANGO_SECURE_PROXY_SSL_HEADER to the header it sets (e.g. HTTP_X_FORWARDED_PROTO), and
# make sure the balancer overwrites that header from clients; empty means no proxy.
_proxy_ssl_header = env("DJANGO_SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# Secure cookies unless explicitly turned off for plain http on loopback (`make serve`).
_secure_cookies = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
LANGUAGE_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]

# A server logs INFO (report items, task progress) unless DJANGO_LOG_LEVEL says otherwise;
# development (base.py) keeps to warnings.
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": env("DJANGO_LOG_LEVEL", default="INFO")}}
