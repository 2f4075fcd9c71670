"""gunicorn's logger without personal data (deploy/gunicorn.conf.py: `logger_class`).

The access log line is built from atoms; every atom that can carry what a person typed is
cleaned before the format sees it: the query string is dropped (an admin search for a NIK or a
name lives there), the request line keeps only method, path and protocol, and NIK-like
(16 digits) and phone-like segments of the path are masked as Django's own log lines are
(config.logging.redact). Referer, user agent and cookies are never logged. The error log goes
through the same redacting filter (gunicorn names the request URI when a worker fails).
"""

from gunicorn.glogging import Logger

from config.logging import RedactPersonalData, redact

# Atoms that could carry personal data and that the format must never show raw.
_DROPPED = ("q", "f", "a")


class RedactingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPersonalData) for f in log.filters):
                log.addFilter(RedactPersonalData())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact(environ.get("PATH_INFO") or "")
        atoms["U"] = path
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        for name in _DROPPED:
            atoms[name] = "-"
        # Request headers ({x}i) and environ values ({x}e) may hold a query or a referer.
        for key in list(atoms):
            if key.startswith("{") and isinstance(atoms[key], str):
                atoms[key] = "-" if "cookie" in key or "referer" in key else redact(atoms[key])
        if "{query_string}e" in atoms:
            atoms["{query_string}e"] = "-"
        if "{raw_uri}e" in atoms:
            atoms["{raw_uri}e"] = path
        return atoms
