"""A real HTTP receiver on the loopback for the webhook tests: http.server in a thread, keeping
every request it got (headers and body) and answering as told (a status, after a pause, a
redirect)."""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: object  # http.client.HTTPMessage
    body: bytes


@dataclass
class Receiver:
    status: int = 200
    answer: bytes = b'{"ok": true}'
    pause: float = 0.0
    location: str = ""  # with a 3xx status: where it redirects
    statuses: list = field(default_factory=list)  # answers for the first requests, then `status`
    answered: list = field(default_factory=list)  # time.monotonic() when each answer was written
    got: list = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/gg"


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.got.append(Received(self.path, self.headers, body))  # case-insensitive names
            if receiver.pause:
                threading.Event().wait(receiver.pause)
            try:
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)
                receiver.answered.append(time.monotonic())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up waiting (its time-out)

        def log_message(self, *args):
            pass

    return Handler


@contextlib.contextmanager
def receiving(**kwargs):
    receiver = Receiver(**kwargs)
    receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.server.daemon_threads = True
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join(5)
