from django.urls import path

from apps.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("connections/<int:pk>/card/", views.connection_card_view, name="connection_card"),
]
