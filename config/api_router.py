"""/api/v1/: each app declares its own routes (``<app>/api/urls.py``: ``ROUTES`` for the router,
``urlpatterns`` for plain views); this module only gathers them into one router, so the API root
lists every resource. Several apps register action routes on ``tickets`` (``/tickets/{id}/…``):
intake serves the collection and the reads, dispatch and evaluation their own steps."""

from rest_framework.routers import DefaultRouter

from dispatch.api import urls as dispatch_urls
from evaluation.api import urls as evaluation_urls
from hotline.api import urls as hotline_urls
from orders.api import urls as orders_urls

APPS = [hotline_urls, orders_urls, dispatch_urls, evaluation_urls]

router = DefaultRouter()
for app in APPS:
    for prefix, viewset, basename in app.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [pattern for app in APPS for pattern in app.urlpatterns] + router.urls
