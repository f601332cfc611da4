"""The keys production cannot run without, refused where the platform serves — not where the
settings load.

Settings read SECRET_KEY and IDENTITY_KEY from the environment (the demo, DEBUG=true, keeps
generated ones under var/). A management command that needs neither (`makemigrations --check`,
`check`, `collectstatic`) runs without them; the web server (`governance.wsgi`), the Celery worker
and beat (`governance.celery`) and `manage.py check --deploy` refuse to start with DEBUG false and
a key missing or too short, rather than serve with a key nobody has backed up (docs/security.md).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

# The settings' names, not passwords (bandit B105 takes them for ones).
MINIMUM_LENGTHS = {"SECRET_KEY": 50, "IDENTITY_KEY": 32}  # nosec B105


def missing_keys() -> list[str]:
    """One sentence per key production lacks (none under DEBUG)."""
    if settings.DEBUG:
        return []
    return [
        f"{name} must be set (at least {minimum} characters) when DEBUG is false."
        for name, minimum in MINIMUM_LENGTHS.items()
        if len(getattr(settings, name, "") or "") < minimum
    ]


def require_keys(**_signal) -> None:
    """Raise ImproperlyConfigured naming each missing key (a serving entry point calls it first)."""
    problems = missing_keys()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))


@register(Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs):
    return [Error(problem, id="governance.E001") for problem in missing_keys()]
