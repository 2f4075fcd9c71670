import time


class ServerTiming:
    """Adds `Server-Timing: app;dur=<ms>, cpu;dur=<ms>`: the wall time spent in Django and the
    CPU time the worker used for it, measured in the worker (the CPU figure shows what the code
    costs when other jobs share the cores; it leaves out Postgres' own work)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started, cpu = time.perf_counter(), time.process_time()
        response = self.get_response(request)
        response["Server-Timing"] = (
            f"app;dur={(time.perf_counter() - started) * 1000:.2f}, "
            f"cpu;dur={(time.process_time() - cpu) * 1000:.2f}"
        )
        return response
