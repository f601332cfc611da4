"""A throw-away PostgreSQL primary and its streaming standby on the loopback, for replica tests.

`initdb` makes the primary in a temporary folder, `pg_basebackup -R` copies it into a standby
(`standby.signal` + `primary_conninfo`), and each runs on a free port as the `postgres` user —
initdb refuses root, so a root test run starts them through `runuser`.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2

BIN = Path("/usr/lib/postgresql/15/bin")
AVAILABLE = (BIN / "initdb").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.port = port

    def query(self, sql: str):
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone() if cursor.description else None
        finally:
            connection.close()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run("pg_ctl", "-D", self.folder, "-o", options, "-l", f"{self.folder}.log", "-w", "-t", "60", "start")

    def stop(self) -> None:
        _run("pg_ctl", "-D", self.folder, "-m", "fast", "-w", "-t", "60", "stop")


def _run(program: str, *args) -> None:
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*as_postgres, BIN / program, *map(str, args)], check=True, capture_output=True)


class Pair:
    """A running primary and standby; `caught_up()` waits until the standby replayed all the primary wrote."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="standby-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.primary = Cluster(self.root / "primary", _free_port())
        self.standby = Cluster(self.root / "standby", _free_port())
        _run("initdb", "-D", self.primary.folder, "-A", "trust", "-U", "postgres", "--no-sync")
        with open(self.primary.folder / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.primary.start()
        _run("pg_basebackup", "-h", "127.0.0.1", "-p", self.primary.port, "-U", "postgres",
             "-D", self.standby.folder, "-R", "-X", "stream", "-c", "fast", "--no-sync")
        self.standby.start()

    def caught_up(self, timeout: float = 30.0) -> None:
        (target,) = self.primary.query("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.standby.query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"standby did not replay up to {target}")
            time.sleep(0.05)

    def close(self) -> None:
        for cluster in (self.standby, self.primary):
            try:
                cluster.stop()
            except subprocess.CalledProcessError:
                pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)
