from django.urls import include, path

from apps.sandbox import views

app_name = "sandbox"
urlpatterns = [
    path("kernel/items", views.kernel_items, name="kernel_items"),
    path("omnicado/", include("apps.sandbox.omnicado.urls")),
    path("omnium/", include("apps.sandbox.omnium.urls")),
    path("omnizon/", include("apps.sandbox.omnizon.urls")),
    path("ovipro/", include("apps.sandbox.ovipro.urls")),
]
