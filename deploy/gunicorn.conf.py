"""gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Every value can be overridden from the environment (GUNICORN_*), so the same file serves one
small server and several large ones.

Reload without dropping requests: SIGHUP (`systemctl reload umkm-web`) re-reads this file,
starts new workers that import the new code (no preload_app, on purpose) and lets the old
ones finish what they are serving within graceful_timeout.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers (gthread): a request waiting on Postgres, Redis or the S3 store holds one
# thread, not a whole process, and nginx's keep-alive connections to the upstream are kept
# (a sync worker closes every connection, making `keepalive` moot). cores + 1 processes of
# 4 threads each: as many requests in flight as 2 x cores + 1 sync workers allowed, twice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
# No request may hold a thread for a minute: every dependency has its own shorter timeout
# (config/settings.py: database connect 3 s and statements 20 s, Redis 2 s, S3 connect 3 s
# and reads 10 s), and this one kills a worker whose request runs past them all. Long work
# (city-wide exports, large imports) runs in the job worker, not here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# gunicorn's control socket (gunicornc) lives in the unit's runtime directory (systemd's
# RuntimeDirectory=umkm, owned by the service user); without one it is off: the default
# under $HOME is not writable for a system user (a permission error at every start).
_runtime = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
if _runtime:
    control_socket = os.path.join(_runtime, "gunicorn.ctl")
else:
    control_socket_disable = True
preload_app = False  # each worker imports the code: a HUP then picks up a new release
# Heartbeat files in memory, not on a disk that may stall (gunicorn's own advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Workers are not recycled (max_requests 0): the portal shows no growth of a worker's memory
# that would call for it, and recycling cost more than it could save. At 2,000 (+ up to 200
# jitter) a worker served by ~150 requests/s restarted every ~15 s under load: its successor
# imports Django and the portal and opens its connections first, the requests queued behind
# it waited (p95 422-546 ms, issue 17), and when both workers of a server restarted together
# the server stalled for 3 s, long enough for nginx to leave it out (bench/two_servers.py
# --hung-only). Measured in docs/DEPLOY.md, "Gunicorn settings by measurement". If a leak is
# ever found, set GUNICORN_MAX_REQUESTS high (e.g. 50000): the jitter is a tenth of it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Access log WITHOUT personal data: the path only (%(U)s), never the query string, where an
# admin search for a NIK or a name would otherwise end up; no user agent, no referer. The
# logger class also drops the query from every other atom and masks NIK- and phone-like
# segments of the path (a business or owner page addressed by NIK), error log included.
logger_class = "config.gunicorn_logger.RedactingLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
