"""gunicorn settings for `make serve` (`--config python:governance.gunicorn_conf`).

The access log records the path without its query string and without the referrer: what people
type into filters and searches (names, phone numbers, ID numbers) never lands in a log file.
"""

# host, user, time, "METHOD /path PROTOCOL", status, bytes, seconds
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
