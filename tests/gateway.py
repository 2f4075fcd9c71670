"""A fake SMS/WhatsApp provider on loopback, for the tests of what goes through the HTTP
gateway backend (notifications.backends.HttpGatewayBackend)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    """An SMS/WhatsApp provider on loopback: records each POST, answers with `status`."""

    def __init__(self, status=200):
        self.status = status
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                gateway.received.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def gateway_settings(settings, fake, channel="sms"):
    """Route `channel` through the HTTP gateway backend to `fake`."""
    options = {
        "url": fake.url,
        "token": "t0ken",
        "template": '{"number": "$to", "text": "$message", "via": "$channel"}',
        "timeout": 2,
    }
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        channel: {"BACKEND": "notifications.backends.HttpGatewayBackend", "OPTIONS": options},
    }
