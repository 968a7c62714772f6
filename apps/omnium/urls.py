from django.urls import path

from apps.omnium import views

app_name = "omnium"
urlpatterns = [
    path("", views.postings, name="postings"),
    path("postings/<int:pk>/", views.posting, name="posting"),
    path("postings/<int:pk>/voucher.pdf", views.posting_voucher, name="posting_voucher"),
    path("lines/", views.ledger_lines, name="ledger_lines"),
    path("accounts/", views.account_summary, name="account_summary"),
    path("checks/", views.checks, name="checks"),
]
