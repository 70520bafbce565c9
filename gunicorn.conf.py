"""gunicorn's settings for ``gunicorn wsgi:app`` (the Procfile's web process), from the environment.

WEB_BIND (default 127.0.0.1:8000), WEB_WORKERS (default: one per core), WEB_THREADS (default 4:
a worker waits on the database part of a request), WEB_TIMEOUT (seconds, default 30). One worker
per core did best in the registration rush (bench.registration_rush: 2x4 against 3x4, 4x4, 4x8 on
two cores, within noise, and each worker holds ~150 MiB).
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
# Requests that time out are logged by gunicorn; access logs cost a write per request.
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
# Each worker builds the app itself: no connection pool is shared across a fork.
preload_app = False
# gunicorn 24+ opens a control socket at one fixed path per user; the process manager (honcho,
# systemd) does what it offers, and two gunicorns on one machine would contend for the path.
control_socket_disable = True
