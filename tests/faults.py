"""Pieces the fault tests share: a Redis server a test starts and stops itself (never the shared
one), a free TCP port, pointing the Celery app at another broker, and a TCP proxy to cut the
application off PostgreSQL without touching the shared server."""

import contextlib
import socket
import subprocess
import threading
import time

import kombu.pools
import redis

from governance.celery import app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """`redis-server` on a port of its own, in memory only; `stop()` and `start()` as often as needed."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def use_broker(**conf):
    """Point the app at another broker, dropping every connection and producer opened so far."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()
    app.conf.update(conf)


class TcpProxy:
    """127.0.0.1:`port` → 127.0.0.1:`target`. `cut()` drops every connection and refuses new ones
    (the database restarting, seen from the application); `restore()` accepts again."""

    def __init__(self, target: int):
        self.target = target
        self.port = free_port()
        self.server = None
        self.sockets = []
        self.lock = threading.Lock()

    def start(self) -> "TcpProxy":
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()
        return self

    restore = start

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (close alone does not)
        self.server.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, server):
        while True:
            try:
                client, _address = server.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(("127.0.0.1", self.target))
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
