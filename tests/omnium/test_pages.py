"""The Omnium pages: postings, posting detail and voucher, ledger lines explorer and its export,
the account summary (checked against the emulator's own figures), data checks."""

import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.money import format_money
from apps.core.sync import sync_run_now
from apps.omnium import selectors
from apps.omnium.models import LedgerLine, Posting
from apps.sandbox.omnium import generator
from tests.omnium.conftest import END, emulator_postings, make_account, make_connection

COUNTED = {"Posted", "Exported", "Reconciled"}


@pytest.fixture
def synced(synced_module, db):
    return synced_module


def emulator_trial_balance(account, first, last):
    """Debit and credit per (currency, account), straight from the emulator's pure functions."""
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for posting in emulator_postings(account):
        if posting.status in COUNTED and first <= posting.day <= last:
            for line in posting.lines:
                totals[(posting.currency, line.account)][0] += line.debit
                totals[(posting.currency, line.account)][1] += line.credit
    return {key: tuple(value) for key, value in totals.items()}


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# --- account summary -----------------------------------------------------------------------------

def test_account_summary_equals_the_emulators_own_totals(synced, client_as):
    first, last = END - timedelta(days=12), END - timedelta(days=2)
    expected = emulator_trial_balance(synced, first, last)
    blocks = selectors.account_summary(first=first, last=last)
    got = {(b.currency, a.account_number): (a.debit, a.credit) for b in blocks for a in b.accounts}
    assert got == expected
    for block in blocks:  # every currency's trial balance balances (suspense included)
        assert block.debit == sum(a.debit for a in block.accounts)

    page = client_as("viewer").get(reverse("omnium:account_summary"),
                                   {"date_from": first, "date_to": last})
    assert page.status_code == 200
    html = page.content.decode()
    currency, account = min(expected)
    assert format_money(expected[(currency, account)][0], currency) in html
    assert "<svg" in html and html.count('class="bar"') == (last - first).days + 1


def test_account_summary_drills_down_to_exactly_the_accounts_lines(synced, client_as):
    client = client_as("viewer")
    first, last = END - timedelta(days=6), END
    page = client.get(reverse("omnium:account_summary"),
                      {"date_from": first, "date_to": last, "currency": "NOK"})
    [block] = page.context["blocks"]
    account = next(a for a in block.accounts if a.account_number == "3000")
    assert account.drill_url.startswith(reverse("omnium:ledger_lines"))
    assert account.drill_url.replace("&", "&amp;") in page.content.decode()
    rows = read_csv(client.get(account.drill_url + "&export=csv"))
    assert sum(Decimal(r["debit"]) for r in rows) == account.debit
    assert sum(Decimal(r["credit"]) for r in rows) == account.credit
    assert {r["account"] for r in rows} == {"3000"} and {r["currency"] for r in rows} == {"NOK"}


def test_account_summary_refuses_a_backwards_period_without_a_500(synced, client_as):
    page = client_as("viewer").get(reverse("omnium:account_summary"),
                                   {"date_from": "2026-02-10", "date_to": "2026-02-01"})
    assert page.status_code == 200 and "The period starts after it ends." in page.content.decode()


def test_account_summary_answers_htmx_with_the_results_partial(synced, client_as):
    page = client_as("viewer").get(reverse("omnium:account_summary"), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<form" not in html


# --- ledger lines --------------------------------------------------------------------------------

def test_ledger_lines_filtered_by_account_and_date_export_exactly_those_rows(synced, client_as):
    day = END - timedelta(days=4)
    query = {"account": "1580", "date_from": day, "date_to": day, "sort": "-debit"}
    client = client_as("viewer")
    page = client.get(reverse("omnium:ledger_lines"), query)
    assert page.status_code == 200
    rows = read_csv(client.get(reverse("omnium:ledger_lines"), {**query, "export": "csv"}))
    expected = {generator.line_id(p, line) for p in emulator_postings(synced)
                if p.day == day and p.status in COUNTED for line in p.lines
                if line.account == "1580"}
    assert {r["line_id"] for r in rows} == expected
    debits = [Decimal(r["debit"]) for r in rows]
    assert debits == sorted(debits, reverse=True)


def test_ledger_lines_filters_by_every_documented_dimension(synced, client_as):
    client = client_as("viewer")
    line = LedgerLine.objects.exclude(customer_number="").filter(in_totals=True).first()
    for query, check in [
        ({"customer": line.customer_number}, lambda r: r["customer"] == line.customer_number),
        ({"invoice": line.invoice_number}, lambda r: r["invoice"] == line.invoice_number),
        ({"vat_code": "3", "currency": "nok"}, lambda r: r["vat_code"] == "3"),
        ({"tax_group": "FOOD"}, lambda r: r["tax_group"] == "FOOD"),
        ({"category": "OutputVat"}, lambda r: True),
        ({"store": line.store_id}, lambda r: r["store"] == line.store_id),
        ({"register": LedgerLine.objects.exclude(register_id="").first().register_id},
         lambda r: r["register"]),
    ]:
        rows = read_csv(client.get(reverse("omnium:ledger_lines"), {**query, "export": "csv"}))
        assert rows and all(check(r) for r in rows), query
        assert len(rows) == LedgerLine.objects.filter(
            in_totals=True, **_orm(query)).count(), query


def _orm(query):
    fields = {"customer": "customer_number", "invoice": "invoice_number", "vat_code": "vat_code",
              "tax_group": "tax_group_code", "category": "category", "store": "store_id",
              "register": "register_id", "currency": "currency"}
    return {fields[k]: (v.upper() if k == "currency" else v) for k, v in query.items()}


def test_superseded_lines_are_hidden_unless_asked_for(synced, client_as):
    client = client_as("viewer")
    counted = client.get(reverse("omnium:ledger_lines"), {"export": "csv"})
    everything = client.get(reverse("omnium:ledger_lines"),
                            {"export": "csv", "include_superseded": "on"})
    assert len(read_csv(counted)) == LedgerLine.objects.filter(in_totals=True).count()
    assert len(read_csv(everything)) == LedgerLine.objects.count()


def test_ledger_lines_page_makes_a_fixed_number_of_queries(synced, client_as,
                                                           django_assert_max_num_queries):
    client = client_as("viewer")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("omnium:ledger_lines"), {"sort": "account"})
    assert page.status_code == 200 and page.content.decode().count("<tr>") > 40


# --- postings and detail -------------------------------------------------------------------------

def test_postings_list_hides_superseded_unless_the_audit_view_is_asked(synced, client_as):
    client = client_as("viewer")
    default = read_csv(client.get(reverse("omnium:postings"), {"export": "csv"}))
    audit = read_csv(client.get(reverse("omnium:postings"),
                                {"export": "csv", "include_superseded": "on"}))
    assert "Superseded" not in {r["status"] for r in default}
    assert "Superseded" in {r["status"] for r in audit} and len(audit) == Posting.objects.count()
    web = read_csv(client.get(reverse("omnium:postings"), {"export": "csv",
                                                          "source": "WebFulfillment",
                                                          "company": "SE01"}))
    assert web and {(r["source"], r["currency"]) for r in web} == {("WebFulfillment", "SEK")}


def test_postings_totals_count_each_event_once(synced, client_as):
    page = client_as("viewer").get(reverse("omnium:postings"), {"include_superseded": "on"})
    expected = defaultdict(Decimal)
    for posting in emulator_postings(synced):
        if posting.status in COUNTED:
            expected[posting.currency] += posting.total_debit
    html = page.content.decode()
    for currency, amount in expected.items():
        assert format_money(amount, currency) in html


def test_posting_detail_shows_lines_totals_and_the_supersede_chain(synced, client_as):
    new = Posting.objects.exclude(supersedes_posting_id="").filter(in_totals=True).first()
    old = Posting.objects.get(provider_id=new.supersedes_posting_id)
    client = client_as("viewer")
    html = client.get(reverse("omnium:posting", args=[new.pk])).content.decode()
    assert new.provider_id in html and old.provider_id in html
    assert reverse("omnium:posting", args=[old.pk]) in html
    assert format_money(new.total_debit, new.currency) in html
    assert html.count("<tr>") >= new.line_count
    old_html = client.get(reverse("omnium:posting", args=[old.pk])).content.decode()
    assert "does not count in totals" in old_html and "Superseded by" in old_html


def test_auto_balanced_and_imbalanced_postings_are_shown_plainly(client_as, db):
    fixed_end = date(2026, 1, 31)  # a tenant whose three days hold each kind of anomaly
    account = make_account(scale=2400, days=3, seed=2, end=fixed_end, key="anomalies")
    connection = make_connection("omnium-anomalies", key="anomalies",
                                 backfill_days=(date.today() - fixed_end).days + 5)
    assert sync_run_now(connection=connection, stream="postings").status == "succeeded"
    client = client_as("viewer")
    mine = Posting.objects.filter(connection=connection)
    auto = mine.filter(auto_balanced=True).first()
    html = client.get(reverse("omnium:posting", args=[auto.pk])).content.decode()
    assert "Auto-balanced:" in html and "suspense" in html
    imbalanced = mine.exclude(imbalance=0).first()
    html = client.get(reverse("omnium:posting", args=[imbalanced.pk])).content.decode()
    assert "Imbalanced:" in html and format_money(imbalanced.imbalance, imbalanced.currency) in html

    checks = {c["name"]: c["count"] for c in selectors.checks_overview(connection)}
    emulated = [p for p in emulator_postings(account) if p.status != "Superseded"]
    assert checks["imbalanced"] == sum(p.total_debit != p.total_credit for p in emulated)
    assert checks["auto_balanced"] == sum(p.auto_balanced for p in emulated)
    assert checks["without_lines"] == sum(not p.lines for p in emulated)
    assert checks["lines_mismatch"] == 0
    page = client.get(reverse("omnium:checks")).content.decode()
    assert "Imbalanced postings" in page and "Postings without lines" in page
    listed = read_csv(client.get(reverse("omnium:postings"), {
        "check": "imbalanced", "export": "csv", "connection": connection.pk}))
    assert len(listed) == checks["imbalanced"]


def test_voucher_pdf_is_rendered(synced, client_as):
    posting = Posting.objects.filter(in_totals=True).exclude(line_count=0).first()
    response = client_as("viewer").get(reverse("omnium:posting_voucher", args=[posting.pk]),
                                       {"download": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]


def test_provider_markup_is_escaped(synced, client_as):
    line = LedgerLine.objects.filter(description__contains="<").first()
    assert line is not None, "the emulator sends some markup in descriptions"
    html = client_as("viewer").get(reverse("omnium:posting", args=[line.posting_id])
                                   ).content.decode()
    assert line.description not in html
    assert "&lt;" in html


def test_pages_need_the_browse_permission(synced, client, make_user):
    client.force_login(make_user(role=None, username="nobody"))
    for name in ("omnium:postings", "omnium:ledger_lines", "omnium:account_summary",
                 "omnium:checks"):
        assert client.get(reverse(name)).status_code == 403


def test_unknown_posting_is_a_404(synced, client_as):
    assert client_as("viewer").get(reverse("omnium:posting", args=[999999])).status_code == 404


def test_a_page_read_by_keys_is_the_same_rows_in_the_same_order(synced):
    from apps.core.tables import paginate
    from apps.omnium.datasets import ledger_lines

    ordered = ledger_lines.queryset().filter(in_totals=True).order_by("-debit", "-pk")
    plain = LedgerLine.objects.filter(in_totals=True).order_by("-debit", "-pk")
    page = paginate(ledger_lines, ordered, 2)
    assert len(page.object_list) == ledger_lines.per_page
    assert [line.pk for line in page.object_list] == list(
        plain.values_list("pk", flat=True)[ledger_lines.per_page:2 * ledger_lines.per_page])
    assert page.object_list[0].posting.provider_id  # joined columns still there
    assert page.paginator.count == plain.count()
