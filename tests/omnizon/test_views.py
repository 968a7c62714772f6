import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.core.sync import sync_run_now
from apps.omnizon.models import Document, Upload
from apps.sandbox.omnizon import generate
from apps.sandbox.omnizon.models import Document as Remote
from tests.omnizon.conftest import make_connection, outgoing_ubl, remote_docs


@pytest.fixture
def synced(account):
    """Synced without automatic acknowledgement, so staff have something to acknowledge."""
    connection = make_connection(account, auto_ack=False)
    for stream in ("inbox", "outbox"):
        sync_run_now(connection=connection, stream=stream)
    return connection


def stored_in():
    return Document.objects.filter(direction="in", state="stored", error="").first()


def test_list_filters_sorts_and_escapes_markup(client_as, synced, django_assert_max_num_queries):
    viewer = client_as("viewer")
    Document.objects.filter(pk=stored_in().pk).update(supplier_name="<script>alert(1)</script>")
    with django_assert_max_num_queries(8):
        page = viewer.get(reverse("omnizon:documents"), {"sort": "-amount"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    inbound = viewer.get(reverse("omnizon:documents"), {"direction": "in", "amount_min": "100"})
    expected = Document.objects.filter(direction="in", amount__gte=100).count()
    assert f"{expected} row" in inbound.content.decode()
    partial = viewer.get(reverse("omnizon:documents"), {"currency": "eur"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and 'id="table"' in partial.content.decode()


def test_export_is_exactly_the_filtered_rows(client_as, synced):
    response = client_as("viewer").get(reverse("omnizon:documents"),
                                       {"direction": "out", "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content)
                                           .decode("utf-8-sig"))))
    assert len(rows) == Document.objects.filter(direction="out").count()
    assert {r["direction"] for r in rows} == {"out"}


def test_detail_shows_parties_lines_vat_pdf_and_history(client_as, synced):
    doc = Document.objects.filter(direction="in", has_pdf=True, error="").first()
    html = client_as("viewer").get(reverse("omnizon:document", args=[doc.pk])).content.decode()
    for line in doc.lines.all():
        assert line.description in html
    assert reverse("omnizon:document_pdf", args=[doc.pk]) in html and "<iframe" in html
    assert "VAT breakdown" in html and "Status history" in html and "discovered" in html
    assert "Acknowledge" not in html  # a viewer sees no actions


def test_pdf_is_framed_from_our_own_copy_and_xml_is_a_download(client_as, synced):
    doc = Document.objects.filter(has_pdf=True).first()
    viewer = client_as("viewer")
    pdf = viewer.get(reverse("omnizon:document_pdf", args=[doc.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    xml = viewer.get(reverse("omnizon:document_xml", args=[doc.pk]))
    assert xml["Content-Disposition"].startswith("attachment;")
    assert xml.content == bytes(doc.files.get(kind="xml").content)


def test_hostile_document_detail_shows_the_error(client_as, db):
    from apps.sandbox.accounts import account_create

    account = account_create(provider="omnizon", key="omz-test-key-123", seed=11, scale=6,
                             options={"companies": 1, "broken": {"0": "billion_laughs"}})
    connection = make_connection(account)
    sync_run_now(connection=connection, stream="inbox")
    sync_run_now(connection=connection, stream="outbox")
    doc = Document.objects.exclude(error="").get()
    html = client_as("viewer").get(reverse("omnizon:document", args=[doc.pk])).content.decode()
    assert "declares a DTD" in html and "No lines could be read" in html


def test_acknowledge_needs_the_permission_a_post_and_a_reason(client_as, synced, account):
    doc = stored_in()
    url = reverse("omnizon:acknowledge", args=[doc.pk])
    assert client_as("viewer").post(url, {"reason": "x"}).status_code == 403
    operator = client_as("operator", username="op")
    assert operator.get(url).status_code == 405
    operator.post(url, {"reason": ""})
    assert remote_docs(account, document_id=doc.document_id).get().ack_count == 0

    response = operator.post(url, {"reason": "Checked <b>by</b> Ana"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="doc-side"' in html and "acknowledged" in html
    assert "Checked &lt;b&gt;by&lt;/b&gt; Ana" in html
    doc.refresh_from_db()
    assert doc.state == "acknowledged" and doc.ack_reason == "Checked <b>by</b> Ana"
    remote = remote_docs(account, document_id=doc.document_id).get()
    assert (remote.ack_count, remote.ack_reason) == (1, "Checked <b>by</b> Ana")
    event = AuditEvent.objects.get(action="omnizon.document.acknowledge")
    assert event.user.username == "op" and event.outcome == "ok"

    operator.post(url, {"reason": "again"})  # a double click
    assert remote_docs(account, document_id=doc.document_id).get().ack_count == 1


def test_acknowledge_failure_is_shown_and_audited(client_as, synced, account):
    from apps.sandbox import faults

    doc = stored_in()
    faults.inject(provider="omnizon", status=400, path_contains="/documents/ack")
    response = client_as("operator").post(reverse("omnizon:acknowledge", args=[doc.pk]),
                                          {"reason": "x"}, follow=True)
    assert "Omnizon: Sandbox fault" in response.content.decode()
    doc.refresh_from_db()
    assert doc.acknowledged_at is None and not doc.ack_uncertain
    assert AuditEvent.objects.get(action="omnizon.document.acknowledge").outcome == "failed"


def test_archive_is_audited_and_counted_in_archive_usage(client_as, synced, account):
    doc = Document.objects.filter(direction="out").first()
    operator = client_as("operator")
    operator.post(reverse("omnizon:archive", args=[doc.pk]))
    doc.refresh_from_db()
    assert doc.archived_at is not None and doc.events.filter(kind="archived").exists()
    assert remote_docs(account, document_id=doc.document_id).get().archived_at is not None
    assert AuditEvent.objects.filter(action="omnizon.document.archive", outcome="ok").exists()
    sync_run_now(connection=synced, stream="usage")
    usage = operator.get(reverse("omnizon:usage"), {"connection": synced.pk,
                                                    "company": doc.company_vat})
    assert f'data-archive-bytes="{doc.files.get(kind="xml").size}"' in usage.content.decode()


def test_usage_page_draws_an_inline_svg_chart(client_as, synced, vats):
    sync_run_now(connection=synced, stream="usage")
    html = client_as("viewer").get(reverse("omnizon:usage")).content.decode()
    assert "<svg" in html and html.count('class="bar bar-in"') == 12
    assert "cdn" not in html.lower()


def upload(operator, connection, company, content, name="invoice.xml"):
    return operator.post(reverse("omnizon:send"), {
        "connection": connection.pk, "company": company,
        "file": SimpleUploadedFile(name, content, content_type="text/xml")})


@pytest.mark.parametrize("content, problem", [
    (b"not xml at all", "Not well-formed XML"),
    (generate.HOSTILE["xxe"], "declares a DTD"),
    (generate.HOSTILE["not_ubl"], "Not a UBL 2.1 Invoice or CreditNote"),
    (b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
     "Missing the invoice number (BT-1)"),
])
def test_upload_checks_refuse_before_anything_is_sent(client_as, synced, account, vats, content,
                                                       problem):
    sent_before = Remote.objects.filter(submitted_at__isnull=False).count()
    response = upload(client_as("operator"), synced, vats[0], content)
    assert response.status_code == 200 and problem in response.content.decode()
    assert Remote.objects.filter(submitted_at__isnull=False).count() == sent_before
    assert not Upload.objects.exists()


def test_upload_for_another_company_is_refused(client_as, synced, account, vats):
    response = upload(client_as("operator"), synced, vats[1], outgoing_ubl(account, vats[0]))
    assert "is not the company it is sent for" in response.content.decode()


def test_send_is_once_and_its_status_is_followed(client_as, synced, account, vats):
    from datetime import timedelta

    from django.utils import timezone

    operator = client_as("operator")
    content = outgoing_ubl(account, vats[0])
    response = upload(operator, synced, vats[0], content)
    sent = Upload.objects.get()
    assert response.status_code == 302 and response.url == reverse("omnizon:upload",
                                                                    args=[sent.pk])
    assert sent.state == "sent" and sent.document.direction == "out"
    upload(operator, synced, vats[0], content)  # a double submit
    assert Remote.objects.filter(submitted_at__isnull=False).count() == 1

    remote = Remote.objects.get(document_id=sent.document.document_id)
    seen = []
    for hours in (0, 1, 2, 3, 4):
        Remote.objects.filter(pk=remote.pk).update(
            submitted_at=timezone.now() - timedelta(hours=hours, seconds=1))
        html = operator.get(reverse("omnizon:upload", args=[sent.pk]),
                            HTTP_HX_REQUEST="true").content.decode()
        sent.document.refresh_from_db()
        seen.append((sent.document.internal_status, sent.document.external_status))
    assert seen == [("NEW", ""), ("OK", ""), ("OK", "SENT"), ("OK", "DELIVERED"),
                    ("OK", "ACKNOWLEDGED")]
    assert 'data-settled="true"' in html and "hx-trigger" not in html
    assert AuditEvent.objects.filter(action="omnizon.document.send", outcome="ok").count() == 1


def test_a_send_whose_answer_was_lost_is_found_by_number_not_sent_again(client_as, synced,
                                                                        account, vats):
    from apps.sandbox import faults

    operator = client_as("operator")
    content = outgoing_ubl(account, vats[0])
    faults.inject(provider="omnizon", kind="drop", path_contains="/documents/send")
    upload(operator, synced, vats[0], content)
    first = Upload.objects.get()
    assert first.state == "unknown" and "may have received it" in first.error
    upload(operator, synced, vats[0], content)  # staff try again
    first.refresh_from_db()
    assert first.state == "sent"
    assert Remote.objects.filter(submitted_at__isnull=False).count() == 1
    assert first.document.document_id == Remote.objects.get(submitted_at__isnull=False).document_id


def test_viewer_cannot_send(client_as, synced):
    assert client_as("viewer").get(reverse("omnizon:send")).status_code == 403


def test_admin_lists_and_shows_documents(client, synced, make_user):
    from apps.core.roles import grant_administrator_everything

    grant_administrator_everything()
    client.force_login(make_user("administrator", username="boss", is_staff=True))
    listing = client.get("/admin/omnizon/document/", {"q": "R-"})
    assert listing.status_code == 200
    doc = Document.objects.filter(direction="in").first()
    page = client.get(f"/admin/omnizon/document/{doc.pk}/change/")
    assert page.status_code == 200 and doc.lines.first().description in page.content.decode()


def test_dashboard_card_and_sync_run_page_show_the_omnizon_streams(client_as, synced):
    from apps.core.models import SyncRun

    operator = client_as("operator")
    home = operator.get("/").content.decode()
    assert "omz" in home and "inbox" in home and "outbox" in home
    run = SyncRun.objects.filter(connection=synced, stream="inbox").first()
    assert operator.get(f"/syncs/{run.pk}/").status_code == 200
    assert operator.get(f"/syncs/{run.pk}/", HTTP_HX_REQUEST="true").status_code == 200
