app_name = "omnicado"
urlpatterns = []
