"""Settings for bench/checkin.py's gunicorn: the project's own settings (read from the
environment the bench sets), with one more URL, ``/bench/minimal`` (bench/checkin_urls.py).
"""

from hakobou.settings import *  # noqa: F403 - the same settings, one change below
from hakobou.settings import STORAGES

ROOT_URLCONF = "bench.checkin_urls"

# A bench run has no collectstatic: the login page's {% static %} tags resolve without
# the manifest production builds (a dictionary lookup there; no request we time uses it).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
