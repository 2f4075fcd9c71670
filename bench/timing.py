import time


class ServerTiming:
    """Adds `Server-Timing: app;dur=<ms>`: the time spent in Django, measured in the worker."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
