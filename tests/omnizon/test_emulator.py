import json
import subprocess
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from apps.sandbox.omnizon import generate
from apps.sandbox.omnizon.models import Document as Remote
from tests.omnizon.conftest import API_KEY, outgoing_ubl, remote_docs

BASE = "/sandbox/omnizon/rest/v1"


def call(client, path, body=None, key=API_KEY, params="", **headers):
    return client.post(f"{BASE}{path}{params}", data=json.dumps(body or {}),
                       content_type="application/json", HTTP_AUTHORIZATION=key,
                       **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_unknown_or_missing_api_key_is_refused_with_the_error_body(client, account):
    response = call(client, "/documents/inbox", {"companyVatNumber": "HR12345678901"}, key="nope")
    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "resultMessage": "Invalid or missing API key."}


def test_a_company_outside_the_key_is_forbidden_and_a_bad_vat_is_a_400(client, account, vats):
    assert call(client, "/documents/inbox", {"companyVatNumber": "HR12345678901"}).status_code == 403
    assert call(client, "/documents/inbox", {"companyVatNumber": "HR12"}).status_code == 400
    assert call(client, "/documents/inbox", {"companyVatNumber": vats[0]}).status_code == 200
    assert call(client, "/documents/inbox", {"companyVatNumber": f"HR{vats[0]}"}).status_code == 200


def test_inbox_pages_in_the_envelope_and_only_covers_the_last_60_days(client, account, vats):
    expected = remote_docs(account, company__vat_number=vats[0], direction="in",
                           modified__gte=timezone.now() - timedelta(days=60))
    first = call(client, "/documents/inbox", {"companyVatNumber": f"HR{vats[0]}"},
                 params="?pageNumber=1&pageSize=2").json()
    assert first["totalElements"] == expected.count() > 2
    assert (first["size"], first["number"], first["numberOfElements"]) == (2, 1, 2)
    assert first["first"] and not first["last"] and not first["empty"]
    item = first["items"][0]
    assert set(item) >= {"documentId", "documentSenderName", "documentNumber", "customerName",
                         "amount", "currency", "created", "modified", "documentEdiType"}
    assert isinstance(item["amount"], str) and "internalStatus" not in item
    last = call(client, "/documents/inbox", {"companyVatNumber": vats[0]},
                params=f"?pageNumber={first['totalPages']}&pageSize=2").json()
    assert last["last"]

    too_old = call(client, "/documents/inbox", {
        "companyVatNumber": vats[0], "dateFrom": iso(timezone.now() - timedelta(days=61))})
    assert too_old.status_code == 400 and "60 days" in too_old.json()["resultMessage"]
    assert call(client, "/documents/inbox", {"companyVatNumber": vats[0]},
                params="?pageSize=1001").status_code == 400


def test_inbox_status_carries_a_fiscalization_object_and_outbox_a_string(client, account, vats):
    inbox = call(client, "/documents/inbox/status", {"companyVatNumber": vats[0]}).json()
    assert inbox["items"][0]["internalStatus"] == "OK"
    assert inbox["items"][0]["externalStatus"]["successful"] is True
    outbox = call(client, "/documents/outbox/status", {"companyVatNumber": vats[0]}).json()
    assert outbox["totalElements"] == remote_docs(account, company__vat_number=vats[0],
                                                  direction="out").count()
    assert {i["externalStatus"] for i in outbox["items"]} <= {"SENT", "DELIVERED",
                                                             "ACKNOWLEDGED", None}


def test_get_serves_the_ubl_and_records_the_software_id(client, account, vats):
    doc = remote_docs(account, company__vat_number=vats[0], direction="in").first()
    body = {"documentId": doc.document_id, "companyVatNumber": f"HR{vats[0]}"}
    response = call(client, "/documents/get", body, **{"x-software-id": "ERP-7"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response.content.startswith(b"<?xml") and doc.number.encode() in response.content
    doc.refresh_from_db()
    assert (doc.fetch_count, doc.fetched_by, doc.acknowledged_at) == (1, "ERP-7", None)
    assert call(client, "/documents/get", {"documentId": "0" * 24,
                                           "companyVatNumber": vats[0]}).status_code == 404


def test_get_pdf_is_a_real_pdf_and_404_without_one(client, account, vats, tmp_path):
    with_pdf = remote_docs(account, has_pdf=True).select_related("company").first()
    response = call(client, "/documents/getPdf", {"documentId": with_pdf.document_id,
                                                  "companyVatNumber": with_pdf.company.vat_number})
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 1000

    Remote.objects.filter(pk=with_pdf.pk).update(has_pdf=False)
    missing = call(client, "/documents/getPdf", {"documentId": with_pdf.document_id,
                                                 "companyVatNumber": with_pdf.company.vat_number})
    assert missing.status_code == 404 and "no PDF" in missing.json()["resultMessage"]


def test_ack_with_a_reason_acknowledges_once_and_counts_every_call(client, account, vats):
    doc = remote_docs(account, direction="in").first()
    assert call(client, "/documents/ack", {}).status_code == 400
    first = call(client, "/documents/ack", {"documentId": doc.document_id, "reason": "In ERP"})
    assert first.json() == {"statusCode": 200, "resultMessage": "Document acknowledged."}
    again = call(client, "/documents/ack", {"documentId": doc.document_id})
    assert again.json()["resultMessage"] == "Document already acknowledged."
    doc.refresh_from_db()
    assert (doc.ack_count, doc.ack_reason, doc.external_status) == (2, "In ERP", "ACKNOWLEDGED")
    status = call(client, "/documents/getInternalStatus", {"documentId": doc.document_id}).json()
    assert status["status"] == "acknowledged"
    outgoing = remote_docs(account, direction="out").first()
    assert call(client, "/documents/ack", {"documentId": outgoing.document_id}).status_code == 400


def test_archive_then_get_from_archive_and_archive_usage(client, account, vats):
    doc = remote_docs(account, company__vat_number=vats[1]).first()
    assert call(client, "/documents/getFromArchive",
                {"documentId": doc.document_id}).status_code == 404
    archived = call(client, "/documents/archive", {"documentId": doc.document_id,
                                                   "companyVatNumber": vats[1]})
    assert archived.json() == {"documentId": doc.document_id, "status": "archived"}
    content = call(client, "/documents/getFromArchive", {"documentId": doc.document_id}).content
    usage = call(client, "/billing/archive-usage", {"vatNumber": f"HR{vats[1]}"}).json()
    assert usage == {"metricName": "archive-bytes", "metricUsage": str(len(content))}


def test_monthly_usage_counts_documents_in_and_out(client, account, vats):
    docs = remote_docs(account, company__vat_number=vats[0])
    month = docs.first().created
    in_month = docs.filter(created__year=month.year, created__month=month.month)
    body = {"vatNumber": f"HR{vats[0]}", "year": month.year, "month": month.month}
    metrics = {m["metricName"]: m["metricUsage"]
               for m in call(client, "/billing/monthly-usage", body).json()}
    assert metrics == {"documents-out": str(in_month.filter(direction="out").count()),
                       "documents-in": str(in_month.filter(direction="in").count()),
                       "documents-total": str(in_month.count())}
    assert call(client, "/billing/monthly-usage", {**body, "month": 13}).status_code == 400


def test_send_runs_new_ok_sent_delivered_acknowledged(client, account, vats):
    xml = outgoing_ubl(account, vats[0])
    response = client.post(f"{BASE}/documents/send", data=xml,
                           content_type="application/octet-stream", HTTP_AUTHORIZATION=API_KEY,
                           HTTP_COMPANYVATNUMBER=f"HR{vats[0]}", HTTP_X_SOFTWARE_ID="Ledgerdesk")
    document_id = response.json()["documentId"]
    assert len(document_id) == 24
    seen = []
    for hours in range(5):
        Remote.objects.filter(document_id=document_id).update(
            submitted_at=timezone.now() - timedelta(hours=hours, seconds=1))
        status = call(client, "/documents/getStatus", {"documentId": document_id,
                                                       "companyVatNumber": vats[0]}).json()
        seen.append((status["internalStatus"], status["externalStatus"]))
    assert seen == [("NEW", None), ("OK", None), ("OK", "SENT"), ("OK", "DELIVERED"),
                    ("OK", "ACKNOWLEDGED")]
    found = call(client, "/documents/getByNumber", {"documentNumber": status["documentNumber"],
                                                    "companyVatNumber": vats[0]}).json()
    assert [i["documentId"] for i in found["items"]] == [document_id]


def test_send_of_an_invalid_invoice_ends_failed_with_rule_messages(client, account, vats):
    xml = outgoing_ubl(account, vats[0]).replace(b"<cbc:IssueDate>", b"<cbc:Note>").replace(
        b"</cbc:IssueDate>", b"</cbc:Note>")
    document_id = client.post(f"{BASE}/documents/send", data=xml,
                              content_type="application/octet-stream", HTTP_AUTHORIZATION=API_KEY,
                              HTTP_COMPANYVATNUMBER=vats[0]).json()["documentId"]
    Remote.objects.filter(document_id=document_id).update(
        submitted_at=timezone.now() - timedelta(hours=3))
    status = call(client, "/documents/getInternalStatus", {"documentId": document_id}).json()
    assert status["status"] == "FAILED"
    assert "[BR-03]" in status["internalStatusDetails"][0]["errorMessage"]
    hostile = client.post(f"{BASE}/documents/send", data=generate.HOSTILE["billion_laughs"],
                          content_type="application/octet-stream", HTTP_AUTHORIZATION=API_KEY,
                          HTTP_COMPANYVATNUMBER=vats[0])
    assert hostile.status_code == 200  # accepted, then refused by validation


def test_get_by_external_status_needs_a_window(client, account, vats):
    body = {"status": "acknowledged", "companyVatNumber": vats[0]}
    assert call(client, "/documents/getByExternalStatus", body).status_code == 400
    now = timezone.now()
    found = call(client, "/documents/getByExternalStatus", {
        **body, "dateFrom": iso(now - timedelta(days=365)), "dateTo": iso(now)}).json()
    expected = remote_docs(account, company__vat_number=vats[0], external_status="ACKNOWLEDGED")
    assert {i["documentId"] for i in found["items"]} == set(
        expected.values_list("document_id", flat=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_invoices_are_varied(seed):
    from datetime import datetime

    companies = generate.company_list(seed, 3)
    specs = [generate.spec_for(seed, i, companies, datetime(2026, 3, 1, tzinfo=UTC), 90, 80)
             for i in range(80)]
    rates = {line.rate for s in specs for line in s.lines}
    assert rates == {25, 13, 5, 0}
    assert any(s.doc_type == "CreditNote" for s in specs)
    assert any(s.allowance for s in specs)
    assert {s.currency for s in specs} - {"EUR"}
    assert any("<" in s.counterparty.name for s in specs)
    assert any(set("ČčĆćĐđŠšŽž") & set(s.counterparty.name) for s in specs)
