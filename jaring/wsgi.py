"""WSGI entry point: ``gunicorn jaring.wsgi`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
application = get_wsgi_application()

from jaring.core.scratch import route_temp_files  # noqa: E402  (needs the settings)

# Uploads and workbooks pass through temporary files: in the data folder, never in /tmp.
route_temp_files()
