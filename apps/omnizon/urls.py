from django.urls import path

from apps.omnizon import views

app_name = "omnizon"
urlpatterns = [
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/pdf", views.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/xml", views.document_xml, name="document_xml"),
    path("documents/<int:pk>/acknowledge", views.document_acknowledge, name="acknowledge"),
    path("documents/<int:pk>/archive", views.document_archive, name="archive"),
    path("send/", views.send, name="send"),
    path("send/<int:pk>/", views.upload_detail, name="upload"),
    path("usage/", views.usage, name="usage"),
]
