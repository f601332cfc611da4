import os

from django.core.wsgi import get_wsgi_application

from governance.keys import require_keys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
require_keys()  # production serves only with its keys (governance/keys.py)
application = get_wsgi_application()
