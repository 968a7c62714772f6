app_name = "omnium"
urlpatterns = []
