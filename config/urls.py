from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api.auth import TokenObtainView
from config.views import favicon, home

api_v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("config.api_router")),
]

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("assessment/", include("evaluation.urls")),
    path("desk/", include("hotline.urls")),
    path("insight/", include("evaluation.insight_urls")),
    path("callbacks/", include("evaluation.callback_urls")),
    path("api/v1/", include(api_v1)),
    path("open311/v2/", include("open311.urls")),
    path("progress/", include("citizens.urls")),
]

# JSON for API paths, pages for people (config/views.py).
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
