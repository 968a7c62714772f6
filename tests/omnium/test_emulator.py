"""The Omnium emulator answers like the documented API: auth, validation, visibility, paging."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from apps.sandbox.omnium import generator
from apps.sandbox.omnium.views import expire_tokens
from tests.omnium.conftest import CLIENT_ID, CLIENT_SECRET, END, emulator_postings, make_account

API = "/sandbox/omnium/api/Accounting"
DAY_FROM = "2000-01-01T00:00:00Z"


@pytest.fixture
def api(client, omnium_account):
    token = client.post(f"/sandbox/omnium/api/Token?clientId={CLIENT_ID}"
                        f"&clientSecret={CLIENT_SECRET}&returnAsJson=true").json()["accessToken"]

    class Api:
        account = omnium_account
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        def get(self, path):
            return client.get(API + path, **self.headers)

        def search(self, kind, **body):
            return client.post(f"{API}/{kind}/Search", data=json.dumps(body),
                               content_type="application/json", **self.headers)

    return Api()


def decimal_json(response):
    return json.loads(response.content, parse_float=Decimal)


# --- auth ----------------------------------------------------------------------------------------

def test_token_endpoint_answers_json_or_plain_text_and_refuses_a_wrong_secret(client, omnium_account):
    base = f"/sandbox/omnium/api/Token?clientId={CLIENT_ID}&clientSecret="
    as_json = client.post(base + CLIENT_SECRET + "&returnAsJson=true").json()
    assert as_json["tokenType"] == "Bearer" and as_json["expiresIn"] == 864000
    plain = client.post(base + CLIENT_SECRET)
    assert plain["Content-Type"] == "text/plain" and plain.content.count(b".") == 2
    wrong = client.post(base + "nope&returnAsJson=true")
    assert wrong.status_code == 401 and wrong.json()["title"] == "Unauthorized"


def test_calls_need_a_valid_unexpired_bearer_token(client, api):
    assert client.get(f"{API}/Postings/x").status_code == 401
    assert client.get(f"{API}/Postings/x", HTTP_AUTHORIZATION="Bearer forged.token.sig"
                      ).status_code == 401
    assert api.search("Postings", take=1).status_code == 200
    expire_tokens(api.account)
    expired = api.search("Postings", take=1)
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"].startswith("Bearer")


# --- validation ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, body, message", [
    ("Postings", {"take": 0}, "Take must be between 1 and 100."),
    ("Postings", {"take": 101}, "Take must be between 1 and 100."),
    ("LedgerLines", {"take": 1001}, "Take must be between 1 and 1000."),
    ("Postings", {"take": 100, "page": 101}, "Take * Page must be less than or equal to 10,000."),
    ("LedgerLines", {"take": 1000, "page": 11}, "Take * Page must be less than or equal to 10,000."),
    ("Postings", {"page": 0}, "Page must be 1 or greater."),
    ("Postings", {"storeId": "OSL01", "storeGroupId": "region-norway"},
     "Specify either StoreId or StoreGroupId, not both."),
    ("LedgerLines", {"storeId": "OSL01", "storeGroupId": "region-norway"},
     "Specify either StoreId or StoreGroupId, not both."),
    ("LedgerLines", {"sortBy": "Amount"}, "SortBy must be one of PostingDate, AccountNumber, PostingId."),
    ("Postings", {"status": "Draft"}, "'Draft' is not a valid status."),
    ("Postings", {"postingDateFrom": "yesterday"}, "'postingdatefrom' is not a valid date-time"),
    ("Postings", {"take": "10"}, "'take' must be an integer."),
])
def test_invalid_searches_are_400_with_a_message(api, kind, body, message):
    response = api.search(kind, **body)
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400 and message in problem["detail"]
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_largest_allowed_window_is_accepted(api):
    assert api.search("Postings", take=100, page=100).status_code == 200
    assert api.search("LedgerLines", take=1000, page=10).status_code == 200


def test_malformed_json_body_is_a_400(api, client):
    response = client.post(f"{API}/Postings/Search", data="{not json", content_type="application/json",
                           **api.headers)
    assert response.status_code == 400


# --- visibility ----------------------------------------------------------------------------------

def test_drafts_exist_in_omnium_but_are_never_returned(api):
    params = generator.params_for(api.account)
    drafts = [p for d in generator.days(params) for p in generator.day_postings(params, d)
              if p.status == "Draft"]
    assert drafts, "the emulator should hold drafts being built"
    body = api.search("Postings", take=100, includeSuperseded=True,
                      postingDateFrom=DAY_FROM).json()
    ids = {p["id"] for p in _all_pages(api, "Postings", 100, includeSuperseded=True)}
    assert body["totalHits"] == len(ids)
    assert not ids & {d.id for d in drafts}
    assert api.get(f"/Postings/{drafts[0].id}").status_code == 404
    assert api.get(f"/Postings/{drafts[0].id}/Lines").status_code == 404


def test_superseded_postings_only_with_include_superseded(api):
    visible = emulator_postings(api.account)
    superseded = [p for p in visible if p.status == "Superseded"]
    assert superseded
    default = _all_pages(api, "Postings", 100)
    audit = _all_pages(api, "Postings", 100, includeSuperseded=True)
    assert len(audit) == len(visible) and len(default) == len(visible) - len(superseded)
    assert not any(p["status"] == "Superseded" for p in default)


def test_a_corrected_zreport_chain_and_by_zreport_returns_the_current_posting(api):
    old = next(p for p in emulator_postings(api.account)
               if p.status == "Superseded" and p.source == "PosZReport")
    current = api.get(f"/Postings/ByZReport/{old.z_report_id}").json()
    assert current["status"] != "Superseded" and current["zReportId"] == old.z_report_id
    chain = [current]
    while chain[-1]["supersedesPostingId"]:
        chain.append(api.get(f"/Postings/{chain[-1]['supersedesPostingId']}").json())
    assert old.id in {p["id"] for p in chain}
    assert all(p["status"] == "Superseded" for p in chain[1:])
    assert api.get("/Postings/ByZReport/zr-NOPE-1").status_code == 404


# --- content -------------------------------------------------------------------------------------

def test_postings_are_balanced_or_flagged_and_amounts_are_exact_json_numbers(api):
    postings = [decimal_json(api.get(f"/Postings/{p.id}"))
                for p in emulator_postings(api.account)[:25]]
    raw = api.get(f"/Postings/{postings[0]['id']}").content.decode()
    assert f'"totalDebit": {postings[0]["totalDebit"]}' in raw  # a number, not a string
    for posting in postings:
        lines = decimal_json(api.get(f"/Postings/{posting['id']}/Lines"))
        assert len(lines) == posting["lineCount"]
        assert sum(line["debit"] for line in lines) == posting["totalDebit"]
        assert sum(line["credit"] for line in lines) == posting["totalCredit"]
        assert posting["imbalance"] == posting["totalDebit"] - posting["totalCredit"]
        for line in lines:
            assert (line["debit"] == 0) != (line["credit"] == 0)
            assert api.get(f"/Postings/{posting['id']}/Lines/{line['id']}").json() == json.loads(
                json.dumps(line, default=float))


def test_auto_balanced_postings_carry_a_suspense_line_and_a_warning(db):
    account = make_account(scale=20000, days=10)
    auto = [p for p in emulator_postings(account) if p.auto_balanced]
    assert auto
    for posting in auto:
        assert posting.total_debit == posting.total_credit
        assert posting.lines[-1].category == "Other" and posting.lines[-1].account == "2990"
        assert "Auto-balanced" in posting.warnings[0]


def test_sources_stores_registers_currencies_and_vat_codes_vary(api):
    postings = emulator_postings(api.account)
    assert {p.source for p in postings} == {"PosZReport", "WebFulfillment"}
    assert {p.currency for p in postings} == {"NOK", "SEK", "EUR", "DKK"}
    assert len({p.register for p in postings}) > 6
    assert len({line.vat_code for p in postings for line in p.lines}) > 5


# --- search --------------------------------------------------------------------------------------

def _all_pages(api, kind, take, **body):
    items, page = [], 1
    while True:
        result = api.search(kind, take=take, page=page, **body).json()
        items += result["result"]
        if len(result["result"]) < take:
            return items
        page += 1


def test_pages_cover_every_line_once_in_a_stable_order(api):
    lines = _all_pages(api, "LedgerLines", 300, includeSuperseded=True)
    expected = sum(len(p.lines) for p in emulator_postings(api.account))
    assert len(lines) == len({line["id"] for line in lines}) == expected
    dates = [line["postingDate"] for line in lines]
    assert dates == sorted(dates)


def test_line_filters_and_sorting(api):
    day = (END - timedelta(days=3)).isoformat()
    body = {"postingDateFrom": f"{day}T00:00:00Z", "postingDateTo": f"{day}T23:59:59Z",
            "accountNumbers": ["1580", "3000"], "sortBy": "AccountNumber", "sortDescending": True,
            "take": 1000}
    result = api.search("LedgerLines", **body).json()
    accounts = [line["accountNumber"] for line in result["result"]]
    assert result["totalHits"] == len(accounts) > 0
    assert set(accounts) <= {"1580", "3000"} and accounts == sorted(accounts, reverse=True)
    assert {line["postingDate"][:10] for line in result["result"]} == {day}
    one = api.search("LedgerLines", accountNumber="3000", accountNumbers=["1580"], take=1000,
                     **{k: body[k] for k in ("postingDateFrom", "postingDateTo")}).json()
    assert {line["accountNumber"] for line in one["result"]} == {"3000"}
    norway = api.search("LedgerLines", storeGroupId="region-norway", currencyCode="NOK",
                        category="OutputVat", take=1000).json()
    assert norway["totalHits"] > 0
    assert {(x["currencyCode"], x["category"]) for x in norway["result"]} == {("NOK", "OutputVat")}


def test_posting_filters(api):
    postings = emulator_postings(api.account)
    web = next(p for p in postings if p.source == "WebFulfillment" and p.current)
    by_order = api.search("Postings", orderIds=[web.order_ids[0]], take=10).json()
    assert [p["id"] for p in by_order["result"]] == [web.id]
    register = next(p.register for p in postings if p.register)
    by_register = _all_pages(api, "Postings", 100, registerId=register)
    assert by_register and {p["registerIds"][0] for p in by_register} == {register}
    rejected = _all_pages(api, "Postings", 100, status="Rejected", source="PosZReport")
    assert {(p["status"], p["source"]) for p in rejected} <= {("Rejected", "PosZReport")}
    company = api.search("Postings", accountingCompanyCode="SE01", take=100).json()["result"]
    assert company and {p["currencyCode"] for p in company} == {"SEK"}


def test_429_with_retry_after_when_the_token_bucket_is_empty(api):
    api.account.options = {**api.account.options, "rate_limit": {"capacity": 2, "per_second": 0.5}}
    api.account.save()
    assert api.search("Postings", take=1).status_code == 200
    assert api.search("Postings", take=1).status_code == 200
    limited = api.search("Postings", take=1)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
