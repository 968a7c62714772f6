import uuid

import pytest

from apps.core.connections import connection_add
from apps.ovipro.client import OviproClient
from apps.sandbox.accounts import account_create
from apps.sandbox.ovipro import seed as emu_seed
from apps.sandbox.ovipro.models import EmuInvoice

BASE_URL = "http://sandbox.invalid/sandbox/ovipro"
USERNAME, PASSWORD = "ovi-test-user", "ovi-test-pass"
SEED, SCALE = 4, 14


@pytest.fixture
def account(db):
    return account_create(provider="ovipro", key=USERNAME, seed=SEED, scale=SCALE,
                          options={"password": PASSWORD})


@pytest.fixture
def connection(account):
    return connection_add(provider="ovipro", name="ovi-test", base_url=BASE_URL,
                          credentials={"username": USERNAME, "password": PASSWORD})


@pytest.fixture
def ovipro(connection):
    with OviproClient(connection) as c:
        yield c


@pytest.fixture
def office_id():
    return emu_seed.offices(SEED)[0]["office_id"]


@pytest.fixture
def party_id():
    return emu_seed.parties(SEED)[0]["party_id"]


def emulator_count(**filters):
    return EmuInvoice.objects.filter(**filters).count()


def create_body(office_id, party_id, *, costs=None, reason="ASSIGNMENT", link=None, **extra):
    """A valid create body (the seed's style), with the given costs."""
    body = {
        "invoicingReasonCode": reason,
        "invoice": {
            "agencyOfficeId": office_id, "currencyCode": "EUR",
            "responsibleAgentId": emu_seed.agents(SEED)[0],
            "invoicingDate": "2025-05-12", "issueDate": "2025-05-09", "dueDate": "2025-05-26",
            "costs": costs or [{"amount": 10000, "costTypeCode": "MARKETING",
                                "description": "Marketing expenses", "vatPercentage": 25.5,
                                "includesVat": True, "includedInCommission": True}],
            "invoicedParties": {"primaryId": party_id, "parties": [{"partyId": party_id}]},
            "sourceSystemCode": "INTERNAL",
            "paymentAccounts": [{"bankName": "Danske Bank A/S", "bic": "DABAFIHH",
                                 "iban": "FI2180000012345678", "accountHolder": "Matti Virtanen"}],
            "terms": {"paymentTerms": {"paymentTermsCode": "NET_14"},
                      "latePaymentFeePercentage": 16, "noticePeriod": 8,
                      "invoicing": {"invoicingMethodCode": "EINVOICING",
                                    "eInvoicing": {"eInvoicingAddress": "003702472382",
                                                   "operatorId": "E204503",
                                                   "operatorName": "OpusCapita Solutions Oy"}}},
            "billingAddress": {"recipient": "Matti Virtanen", "streetAddress": "Yliopistonkatu 55",
                               "postcode": "33100", "postalArea": "Tampere", "countryCode": "FI"},
            **extra,
        },
    }
    if reason in ("ASSIGNMENT", "ASSIGNMENT_INITIAL_FEE"):
        body["assignmentId"] = link or str(uuid.uuid4())
    elif reason == "CLEARING_SALE":
        body["tradeSettlementId"] = link or str(uuid.uuid4())
    return body


class Emulator:
    """Raw HTTP to the emulator through Django's test client (bearer token, Request-ID)."""

    def __init__(self, django_client):
        self.http = django_client
        reply = self.http.post(f"{PREFIX}/authentication/v1/token",
                               data={"username": USERNAME, "password": PASSWORD},
                               content_type="application/json")
        self.token = reply.json()["access_token"]

    def headers(self, request_id=None):
        return {"Authorization": f"Bearer {self.token}",
                "Request-ID": str(uuid.uuid4()) if request_id is None else request_id}

    def call(self, method, path, body=None, *, params=None, request_id=None, headers=None):
        from apps.ovipro import jsonnum

        kwargs = {"headers": {**self.headers(request_id), **(headers or {})}}
        if body is not None:
            kwargs.update(data=jsonnum.dumps(body), content_type="application/json")
        elif method in ("POST", "PUT"):
            kwargs.update(data="", content_type="application/json")  # no body at all
        if params is not None:
            kwargs["QUERY_STRING"] = params
        return getattr(self.http, method.lower())(f"{PREFIX}/invoice/v1{path}", **kwargs)

    def json(self, *args, **kwargs):
        from apps.ovipro import jsonnum

        reply = self.call(*args, **kwargs)
        return reply.status_code, (jsonnum.loads(reply.content) if reply.content else None)

    def search(self, query=""):
        status, body = self.json("GET", "/invoices", params=query)
        assert status == 200, body
        return body

    def ids(self, query=""):
        return {i["invoiceId"] for i in self.search(query + "&size=1000")["invoices"]}

    def create(self, body):
        status, reply = self.json("POST", "/invoices", body)
        assert status == 201, reply
        return reply["invoiceId"]

    def act(self, invoice_id, action):
        return self.json("POST", f"/invoices/{invoice_id}/actions", {"actionTypeCode": action})


PREFIX = "/sandbox/ovipro"


@pytest.fixture
def emu(client, account):
    emu_seed.ensure_seeded(account)
    return Emulator(client)


def seeded_records(seed=SEED, scale=SCALE):
    """What the seeded account holds, computed from the seed functions alone (not the DB)."""
    out = []
    for i in range(scale):
        status, paid = emu_seed.slot(i, scale)
        source = i - 1 if status == "CREDIT_NOTE" else i
        reason, links, body = emu_seed.invoice_body(seed, source)
        out.append({"id": emu_seed.det_uuid(seed, "invoice", i),
                    "status": "DRAFT" if status == "CREDIT_NOTE" else status, "paid": paid,
                    "type": "CREDIT_NOTE" if status == "CREDIT_NOTE" else "INVOICE",
                    "reason": reason, "links": links, "body": body})
    return out


def seeded_in(status, *, paid=False, kind="INVOICE"):
    return next(r["id"] for r in seeded_records()
                if r["status"] == status and r["paid"] == paid and r["type"] == kind)


def form_data(connection, office_id, party_id, *, costs=None, key=None, accounts=None, **overrides):
    """A valid POST of the invoice form (euros typed as a person types them)."""
    costs = costs if costs is not None else [
        {"description": "Välityspalkkio", "cost_type": "COMMISSION", "amount": "100,00",
         "vat_percentage": "25.5", "includes_vat": "on", "included_in_commission": "on"},
        {"description": "Ilmoitukset", "cost_type": "MARKETING", "amount": "7.50",
         "vat_percentage": "25.5"},
    ]
    accounts = accounts if accounts is not None else [
        {"iban": "FI21 1234 5600 0007 85", "bic": "NDEAFIHH", "bank_name": "Nordea",
         "account_holder": "LKV Kotipiste Oy"}]
    data = {
        "key": str(key or uuid.uuid4()), "connection": str(connection.pk),
        "invoicing_reason": "ASSIGNMENT", "assignment_id": str(uuid.uuid4()),
        "agency_office_id": office_id, "responsible_agent_id": emu_seed.agents(SEED)[1],
        "currency": "EUR", "invoicing_date": "2025-05-12", "issue_date": "2025-05-09",
        "due_date": "2025-05-26", "primary_party_id": party_id, "other_party_ids": "",
        "discount_amount": "", "discount_vat_percentage": "25.5", "discount_description": "",
        "down_payment": "", "payment_terms_code": "NET_14", "late_payment_fee_percentage": "11.5",
        "notice_period": "8", "invoicing_method": "EINVOICING",
        "e_invoicing_address": "003712345671", "e_invoicing_operator_id": "NDEAFIHH",
        "e_invoicing_operator_name": "Nordea", "billing_recipient": "Aino Laaksonen",
        "billing_street": "Kalevankatu 8 B 12", "billing_postcode": "00100",
        "billing_area": "Helsinki", "billing_country": "FI",
        "costs-TOTAL_FORMS": str(len(costs)), "costs-INITIAL_FORMS": "0",
        "costs-MIN_NUM_FORMS": "1", "costs-MAX_NUM_FORMS": "1000",
        "accounts-TOTAL_FORMS": str(len(accounts)), "accounts-INITIAL_FORMS": "0",
        "accounts-MIN_NUM_FORMS": "0", "accounts-MAX_NUM_FORMS": "1000",
    }
    for prefix, rows in (("costs", costs), ("accounts", accounts)):
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
