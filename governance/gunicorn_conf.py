"""gunicorn settings for `make serve` and deploy/grid-governance-web.service
(`--config python:governance.gunicorn_conf`).

The access log records the path without its query string and without the referrer: what people
type into filters and searches (names, phone numbers, ID numbers) never lands in a log file. It
ends with the request id (the X-Request-ID answered), as the application's log lines carry it;
with LOG_FORMAT=json each line is a JSON object.
"""

import os

if os.environ.get("LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
        '"bytes": "%(b)s", "seconds": %(L)s, "request_id": "%({x-request-id}o)s"}'
    )
else:
    # host, user, time, "METHOD /path PROTOCOL", status, bytes, seconds, request id
    access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s %({x-request-id}o)s'
