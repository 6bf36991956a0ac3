"""Gunicorn settings, read from the environment (docs/deployment.md)."""

import multiprocessing
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The access log has the path without its query string: searches never reach a log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"


class RedactingLogger(Logger):
    """gunicorn's logger, with pkh/logging.py's NIK filter on its handlers (the access and
    error logs do not propagate to the root logger, so Django's setup never reaches them).
    ``setup`` runs again on a configuration reload, which makes new handlers."""

    def setup(self, cfg):
        super().setup(cfg)
        from pkh import logging as pkh_logging  # the project directory is on sys.path now

        pkh_logging.install()


logger_class = RedactingLogger
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for gunicornc) defaults to one path per user
# ($HOME/.gunicorn/gunicorn.ctl), so two instances on one machine would take it from each
# other. Off unless GUNICORN_CONTROL_SOCKET names a path for this instance.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control_socket:
    control_socket = _control_socket
control_socket_disable = not _control_socket
