import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hakobou.settings")

app = Celery("hakobou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
