"""Settings for benchmarks: the project's own, plus a bare view to compare against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.timing.ServerTiming", *MIDDLEWARE]  # noqa: F405
