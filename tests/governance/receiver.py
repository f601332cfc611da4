"""A real HTTP receiver on the loopback for the notification channels' tests: it records each
request (path, query, headers, JSON body) and answers with the replies queued in `replies`
(status, JSON), then 200 `{"errcode": 0, "errmsg": "ok"}`."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK = (200, {"errcode": 0, "errmsg": "ok"})


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple[int, dict]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                url = urllib.parse.urlsplit(self.path)
                with receiver._lock:
                    receiver.requests.append(
                        {
                            "path": url.path,
                            "query": dict(urllib.parse.parse_qsl(url.query)),
                            "headers": dict(self.headers),
                            "json": json.loads(body),
                        }
                    )
                    status, answer = receiver.replies.pop(0) if receiver.replies else OK
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
