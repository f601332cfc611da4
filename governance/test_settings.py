"""Settings for the test suite: PostgreSQL and Redis on this machine unless the environment
says otherwise, plain HTTP, fast password hashing."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grid_governance")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
# Fixed keys for the test databases (production refuses to start without them; see settings).
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789-abcdefghij")
os.environ.setdefault("IDENTITY_KEY", "test-identity-key-not-for-production-0123456789")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from .settings import *  # noqa: E402,F403
from .settings import CACHES, DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "tests.postgresql_owner"  # flush past the no-TRUNCATE triggers
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One cache namespace per test database and xdist worker: runs sharing this Redis stay apart.
CACHES["default"]["KEY_PREFIX"] = f"test-{DATABASES['default']['NAME']}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
# Tests read static files from the app folders (no collectstatic manifest needed).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
