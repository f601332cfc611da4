"""Issue 23 (4): gunicorn's access log (as `make serve` runs it) carries no query string and no
referrer, so a searched name, phone or ID number never lands in var/log/access.log."""

import datetime as dt
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from governance import gunicorn_conf

NUMBER = "41142519800101001X"


def logged_line(environ) -> str:
    logger = Logger(Config())
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=30))
    return gunicorn_conf.access_log_format % logger.atoms_wrapper_class(atoms)


def test_the_access_log_keeps_the_path_and_drops_the_query_and_referrer():
    line = logged_line(
        {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"/api/v1/households/?id_number={NUMBER}&head_name=张三",
            "PATH_INFO": "/api/v1/households/",
            "QUERY_STRING": f"id_number={NUMBER}&head_name=张三",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "10.0.0.8",
            "HTTP_REFERER": "http://127.0.0.1:8000/search/?q=13812345678",
        }
    )
    assert '"GET /api/v1/households/ HTTP/1.1" 200 512' in line and line.startswith("10.0.0.8 ")
    assert NUMBER not in line and "张三" not in line and "13812345678" not in line and "?" not in line


def test_make_serve_uses_this_configuration():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert "manage.py serve_demo" in (root / "Makefile").read_text()  # `make serve` runs gunicorn through it
    serve = (root / "demo" / "management" / "commands" / "serve_demo.py").read_text()
    assert '"--config", "python:governance.gunicorn_conf"' in serve
