from django.urls import path

from apps.sandbox.omnium import views

# Mounted at /sandbox/omnium/: base URL http://sandbox.invalid/sandbox/omnium/api/Accounting
urlpatterns = [
    path("api/Token", views.token, name="omnium_token"),
    path("api/Accounting/Postings/Search", views.postings_search),
    path("api/Accounting/LedgerLines/Search", views.lines_search),
    path("api/Accounting/Postings/", views.missing_id),
    path("api/Accounting/Postings/ByZReport/<str:z_report_id>", views.posting_by_zreport),
    path("api/Accounting/Postings/<str:posting_id>/Lines", views.posting_lines),
    path("api/Accounting/Postings/<str:posting_id>/Lines/<str:line_id>", views.posting_line),
    path("api/Accounting/Postings/<str:posting_id>", views.posting_detail),
]
