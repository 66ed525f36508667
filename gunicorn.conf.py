"""gunicorn's settings for Grantpath: `make run` (with the demo) and `make serve` (a deployment).

Threaded workers, one per core and four threads each (with Redis; one process of eight threads
without, see below): most of a request waits on the database, and
a PDF render runs in a child process of its own (webapp/pdf/render.py) killed after
PDF_RENDER_SECONDS, so `timeout` only has to outlast that. Every variable below can be set from the
environment (GRANTPATH_BIND, GRANTPATH_WORKERS, GRANTPATH_THREADS); docs/deployment.md says more."""

import multiprocessing
import os

wsgi_app = "webapp:create_app()"
bind = os.environ.get("GRANTPATH_BIND", "127.0.0.1:5000")
# Several worker processes only when the sign-in counters live where all of them see them (Redis):
# with the in-memory default each process would count on its own and allow that many times the limit.
_SHARED_COUNTERS = bool(
    os.environ.get("REDIS_URL")
    or os.environ.get("GRANTPATH_REDIS_URL")
    or os.environ.get("GRANTPATH_RATELIMIT_STORAGE_URI", "memory://") != "memory://"
)
workers = int(os.environ.get("GRANTPATH_WORKERS") or (multiprocessing.cpu_count() if _SHARED_COUNTERS else 1))
worker_class = "gthread"
threads = int(os.environ.get("GRANTPATH_THREADS") or (4 if _SHARED_COUNTERS else 8))
timeout = 60  # seconds a worker may be silent; the longest PDF render is 30
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, so not all at once): memory stays flat.
# Not with a single worker: nothing would serve while its successor starts (seconds, under load).
max_requests = 5000 if workers > 1 else 0
max_requests_jitter = 500

# One line per request, with how long it took: client, request line, status, bytes, milliseconds.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = "info"
# gunicorn itself believes only the scheme (X-Forwarded-Proto) from these addresses; the client's
# address and host are the app's to read, with PROXY_FIX_HOPS (docs/deployment.md).
forwarded_allow_ips = os.environ.get("GRANTPATH_FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (gunicornc) is one path per user: two instances on one machine would
# fight over it, and Grantpath is run by signals (TERM, HUP) instead.
control_socket_disable = True
