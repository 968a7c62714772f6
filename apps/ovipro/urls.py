app_name = "ovipro"
urlpatterns = []
