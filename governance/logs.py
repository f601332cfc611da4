"""Logging: every record carries the request id (`RequestIdMiddleware` sets it, the reverse
proxy's X-Request-ID when it sent one; `forget_request_id` clears it on request_finished, after
Django logged the response's status), and LOG_FORMAT=json writes one JSON object per line for a
log collector; the default is plain text (settings.LOGGING)."""

import contextvars
import datetime as dt
import json
import logging

request_id = contextvars.ContextVar("request_id", default="")


def forget_request_id(**kwargs):
    request_id.set("")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
