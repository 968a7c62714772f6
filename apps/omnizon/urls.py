app_name = "omnizon"
urlpatterns = []
