from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("syncs/", include("apps.core.urls")),
    path("omnicado/", include("apps.omnicado.urls")),
    path("omnium/", include("apps.omnium.urls")),
    path("omnizon/", include("apps.omnizon.urls")),
    path("ovipro/", include("apps.ovipro.urls")),
    path("", include("apps.dashboard.urls")),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.insert(0, path("sandbox/", include("apps.sandbox.urls")))
