"""``orders``' own routes. The ticket resource's reads and lifecycle steps are served by the ticket
collection the intake app registers (``hotline.api.urls``), which extends ``TicketViewSet``."""

from .views import NoticeViewSet

ROUTES = [("notices", NoticeViewSet, "notice")]
urlpatterns: list = []  # type: ignore[type-arg]
