"""Every REST endpoint of /api/v1/ is registered here, so the whole API is visible in one file."""

from rest_framework.routers import DefaultRouter

from dispatch.api.views import CatalogEntryViewSet, CategoryViewSet, RegionViewSet, UnitViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("units", UnitViewSet, basename="unit")
router.register("categories", CategoryViewSet, basename="category")
router.register("catalog", CatalogEntryViewSet, basename="catalog-entry")

urlpatterns = router.urls
