"""Deterministic e-invoices for the Omnizon emulator.

Document i of an account is a pure function of (seed, i, the account's companies): its listing
fields, its UBL 2.1 XML and its PDF. Amounts are Decimal, rounded half up per line and per VAT
category, so every generated invoice adds up.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree as ET

from apps.sandbox import data

NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CUSTOMIZATION = ("urn:cen.eu:en16931:2017#compliant#urn:mfin.gov.hr:cius-2025:1.0"
                 "#conformant#urn:mfin.gov.hr:ext-2025:1.0")
CENT = Decimal("0.01")
# (description, unit code, VAT category, rate): Croatian rates 25/13/5 %, and an exempt export.
ITEMS = [
    ("Uredski papir A4, 500 listova", "H87", "S", 25), ("Usluga održavanja poslužitelja", "HUR", "S", 25),
    ("Licenca za računovodstveni softver", "C62", "S", 25), ("Kava u zrnu 1 kg", "KGM", "S", 25),
    ("Noćenje s doručkom, Opatija", "DAY", "S", 13), ("Ugostiteljska usluga – ručak", "C62", "S", 13),
    ("Knjiga: Porezni priručnik 2026", "H87", "S", 5), ("Kruh pšenični 500 g", "H87", "S", 5),
    ("Izvozna isporuka – strojni dijelovi", "H87", "E", 0),
]
EXEMPTION = "Oslobođeno PDV-a prema čl. 45. Zakona o PDV-u"
FOREIGN = {"USD": Decimal("0.9215"), "GBP": Decimal("1.1730"), "CHF": Decimal("1.0410")}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def oib(r) -> str:
    return "".join(str(r.randrange(10)) for _ in range(11))


def company_list(seed: int, count: int = 3) -> list[tuple[str, str]]:
    """The companies (VAT number without prefix, name) an emulated API key serves."""
    r = data.rng(seed, "companies")
    names = r.sample(data.CROATIAN_COMPANIES, k=min(count, len(data.CROATIAN_COMPANIES)))
    return [(oib(r), name) for name in names]


def document_id(seed: int, index: int) -> str:
    return hashlib.sha256(f"omnizon:{seed}:{index}".encode()).hexdigest()[:24]


def iban(r) -> str:
    bban = "".join(str(r.randrange(10)) for _ in range(17))
    check = 98 - int(bban + "172700") % 97  # H=17, R=27, then "00"
    return f"HR{check:02d}{bban}"


@dataclass
class Line:
    description: str
    unit: str
    quantity: Decimal
    price: Decimal
    category: str
    rate: int

    @property
    def net(self) -> Decimal:
        return money(self.quantity * self.price)


@dataclass
class Party:
    vat: str
    name: str
    street: str = "Ilica 1"
    city: str = "Zagreb"
    postcode: str = "10000"


@dataclass
class Spec:
    index: int
    document_id: str
    direction: str          # "in" | "out" from the company's side
    company: Party
    counterparty: Party
    doc_type: str           # "Invoice" | "CreditNote"
    number: str
    currency: str
    created: datetime
    modified: datetime
    issue_date: date
    due_date: date
    lines: list[Line]
    allowance: Decimal = Decimal(0)   # document-level discount on the 25 % lines
    note: str = ""
    payment_reference: str = ""
    iban: str = ""
    internal_status: str = "OK"
    external_status: str = "DELIVERED"
    has_pdf: bool = True
    billing_reference: str = ""
    totals: dict = field(default_factory=dict)

    @property
    def supplier(self) -> Party:
        return self.counterparty if self.direction == "in" else self.company

    @property
    def customer(self) -> Party:
        return self.company if self.direction == "in" else self.counterparty


CITIES = [("Split", "21000", "Riva 4"), ("Rijeka", "51000", "Korzo 12"),
          ("Osijek", "31000", "Europska avenija 7"), ("Zagreb", "10000", "Savska cesta 41"),
          ("Varaždin", "42000", "Trg kralja Tomislava 2")]


def spec_for(seed: int, index: int, companies: list[tuple[str, str]], anchor: datetime,
             span_days: int, scale: int) -> Spec:
    r = data.rng(seed, "document", index)
    vat, name = companies[index % len(companies)]
    direction = "in" if r.random() < 0.7 else "out"
    city, postcode, street = r.choice(CITIES)
    counterparty = Party(oib(r), data.pick_name(r, data.CROATIAN_COMPANIES + EXTRA_NAMES, 0.12),
                         street, city, postcode)
    # Evenly spread over span_days before the anchor: document 0 is the newest.
    created = anchor - timedelta(seconds=int(span_days * 86400 * (index + 0.5) / max(scale, 1)))
    modified = min(anchor, created + timedelta(minutes=r.randint(1, 90)))
    currency = "EUR" if r.random() < 0.8 else r.choice(sorted(FOREIGN))
    doc_type = "CreditNote" if r.random() < 0.12 else "Invoice"
    lines = [_line(r) for _ in range(r.randint(1, 6))]
    has_standard = any(line.rate == 25 for line in lines)
    allowance = Decimal(0)
    if has_standard and r.random() < 0.25:
        allowance = money(sum(line.net for line in lines if line.rate == 25) * Decimal("0.05"))
    issue = created.date()
    number = (f"R-{r.randint(1, 9999)}/{issue.year}" if direction == "in"
              else f"{r.randint(1, 9999)}-P{r.randint(1, 3)}-1")
    internal, external = "OK", "DELIVERED"
    if direction == "out":
        internal = "FAILED" if r.random() < 0.08 else "OK"
        external = r.choice(["SENT", "DELIVERED", "ACKNOWLEDGED", "ACKNOWLEDGED"]) \
            if internal == "OK" else ""
    spec = Spec(
        index=index, document_id=document_id(seed, index), direction=direction,
        company=Party(vat, name), counterparty=counterparty, doc_type=doc_type, number=number,
        currency=currency, created=created, modified=modified, issue_date=issue,
        due_date=issue + timedelta(days=r.choice([8, 15, 30, 60])), lines=lines,
        allowance=allowance,
        note=r.choice(["", "", "Hvala na povjerenju!", data.MARKUP_SAMPLES[0],
                       "Plaćanje u roku od 15 dana."]),
        payment_reference=f"HR01 {r.randint(1000, 9999)}-{r.randint(100, 999)}", iban=iban(r),
        internal_status=internal, external_status=external, has_pdf=r.random() > 0.1,
        billing_reference=f"R-{r.randint(1, 999)}/{issue.year}" if doc_type == "CreditNote" else "",
    )
    spec.totals = totals(spec)
    return spec


EXTRA_NAMES = ["Kraš Čokolade d.d.", "Ožujsko & Karlovačko j.d.o.o.", "Đakovo Vinarija d.o.o.",
               "Ćiril Prijevozi obrt"]


def _line(r) -> Line:
    description, unit, category, rate = r.choice(ITEMS)
    quantity = Decimal(r.randint(1, 12)) if unit != "KGM" else data.amount(r, 1, 25, places=3)
    return Line(description, unit, quantity, data.amount(r, 1, 400), category, rate)


def vat_breakdown(spec: Spec) -> list[dict]:
    groups = {}
    for line in spec.lines:
        key = (line.category, line.rate)
        groups[key] = groups.get(key, Decimal(0)) + line.net
    if spec.allowance:
        groups[("S", 25)] -= spec.allowance
    return [{"category": cat, "rate": rate, "taxable": taxable,
             "tax": money(taxable * rate / 100)}
            for (cat, rate), taxable in sorted(groups.items(), key=lambda kv: -kv[0][1])]


def totals(spec: Spec) -> dict:
    line_total = sum((line.net for line in spec.lines), Decimal(0))
    breakdown = vat_breakdown(spec)
    tax = sum((g["tax"] for g in breakdown), Decimal(0))
    exclusive = line_total - spec.allowance
    return {"lines": line_total, "allowance": spec.allowance, "exclusive": exclusive, "tax": tax,
            "inclusive": exclusive + tax, "payable": exclusive + tax, "breakdown": breakdown}


# --- UBL 2.1 -------------------------------------------------------------------------------------

def _el(parent, tag, text=None, **attrs):
    prefix, name = tag.split(":")
    node = ET.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
    if text is not None:
        node.text = str(text)
    return node


def _amount(parent, tag, value, currency):
    return _el(parent, tag, f"{value:.2f}", currencyID=currency)


def _party(parent, tag, party: Party):
    wrapper = _el(parent, tag)
    node = _el(wrapper, "cac:Party")
    _el(node, "cbc:EndpointID", party.vat, schemeID="9934")
    _el(_el(node, "cac:PartyName"), "cbc:Name", party.name)
    address = _el(node, "cac:PostalAddress")
    _el(address, "cbc:StreetName", party.street)
    _el(address, "cbc:CityName", party.city)
    _el(address, "cbc:PostalZone", party.postcode)
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", "HR")
    scheme = _el(node, "cac:PartyTaxScheme")
    _el(scheme, "cbc:CompanyID", f"HR{party.vat}")
    _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(node, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", party.name)
    _el(legal, "cbc:CompanyID", party.vat)


def _tax_category(parent, tag, category, rate, reason=True):
    node = _el(parent, tag)
    _el(node, "cbc:ID", category)
    _el(node, "cbc:Percent", f"{rate:.2f}")
    if category == "E" and reason:
        _el(node, "cbc:TaxExemptionReason", EXEMPTION)
    _el(_el(node, "cac:TaxScheme"), "cbc:ID", "VAT")


def build_ubl(spec: Spec) -> bytes:
    kind = spec.doc_type
    ET.register_namespace("", NS[kind])
    ET.register_namespace("cac", NS["cac"])
    ET.register_namespace("cbc", NS["cbc"])
    root = ET.Element(f"{{{NS[kind]}}}{kind}")
    cur = spec.currency
    _el(root, "cbc:CustomizationID", CUSTOMIZATION)
    _el(root, "cbc:ProfileID", "P1")
    _el(root, "cbc:ID", spec.number)
    _el(root, "cbc:IssueDate", spec.issue_date.isoformat())
    if kind == "Invoice":
        _el(root, "cbc:DueDate", spec.due_date.isoformat())
        _el(root, "cbc:InvoiceTypeCode", "380")
    else:
        _el(root, "cbc:CreditNoteTypeCode", "381")
    if spec.note:
        _el(root, "cbc:Note", spec.note)
    _el(root, "cbc:DocumentCurrencyCode", cur)
    if cur != "EUR":
        _el(root, "cbc:TaxCurrencyCode", "EUR")
    if spec.billing_reference:
        ref = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(ref, "cbc:ID", spec.billing_reference)
    _party(root, "cac:AccountingSupplierParty", spec.supplier)
    _party(root, "cac:AccountingCustomerParty", spec.customer)
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", "30")
    if kind == "CreditNote":
        _el(means, "cbc:PaymentDueDate", spec.due_date.isoformat())
    _el(means, "cbc:PaymentID", spec.payment_reference)
    account = _el(means, "cac:PayeeFinancialAccount")
    _el(account, "cbc:ID", spec.iban)
    _el(account, "cbc:Name", spec.supplier.name)
    if spec.allowance:
        charge = _el(root, "cac:AllowanceCharge")
        _el(charge, "cbc:ChargeIndicator", "false")
        _el(charge, "cbc:AllowanceChargeReasonCode", "95")
        _el(charge, "cbc:AllowanceChargeReason", "Popust 5 %")
        _amount(charge, "cbc:Amount", spec.allowance, cur)
        _tax_category(charge, "cac:TaxCategory", "S", 25)
    t = spec.totals
    tax_total = _el(root, "cac:TaxTotal")
    _amount(tax_total, "cbc:TaxAmount", t["tax"], cur)
    for group in t["breakdown"]:
        sub = _el(tax_total, "cac:TaxSubtotal")
        _amount(sub, "cbc:TaxableAmount", group["taxable"], cur)
        _amount(sub, "cbc:TaxAmount", group["tax"], cur)
        _tax_category(sub, "cac:TaxCategory", group["category"], group["rate"])
    if cur != "EUR":  # EN 16931 BT-111: the VAT total in the accounting currency as well
        _amount(_el(root, "cac:TaxTotal"), "cbc:TaxAmount", money(t["tax"] * FOREIGN[cur]), "EUR")
    legal = _el(root, "cac:LegalMonetaryTotal")
    _amount(legal, "cbc:LineExtensionAmount", t["lines"], cur)
    _amount(legal, "cbc:TaxExclusiveAmount", t["exclusive"], cur)
    _amount(legal, "cbc:TaxInclusiveAmount", t["inclusive"], cur)
    if t["allowance"]:
        _amount(legal, "cbc:AllowanceTotalAmount", t["allowance"], cur)
    _amount(legal, "cbc:PayableAmount", t["payable"], cur)
    line_tag, qty_tag = (("cac:InvoiceLine", "cbc:InvoicedQuantity") if kind == "Invoice"
                         else ("cac:CreditNoteLine", "cbc:CreditedQuantity"))
    for position, line in enumerate(spec.lines, start=1):
        node = _el(root, line_tag)
        _el(node, "cbc:ID", position)
        _el(node, qty_tag, f"{line.quantity}", unitCode=line.unit)
        _amount(node, "cbc:LineExtensionAmount", line.net, cur)
        item = _el(node, "cac:Item")
        _el(item, "cbc:Name", line.description)
        _tax_category(item, "cac:ClassifiedTaxCategory", line.category, line.rate, reason=False)
        _amount(_el(node, "cac:Price"), "cbc:PriceAmount", line.price, cur)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- a minimal real PDF (what a supplier would embed) ----------------------------------------

_ASCII = str.maketrans({"č": "c", "ć": "c", "đ": "d", "Č": "C", "Ć": "C", "Đ": "D", "–": "-"})


def _pdf_text(text: str) -> str:
    raw = text.translate(_ASCII).encode("cp1252", "replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build_pdf(spec: Spec) -> bytes:
    """A one-page A4 PDF (Helvetica, WinAnsi) with the invoice's key facts."""
    t = spec.totals
    title = "RACUN" if spec.doc_type == "Invoice" else "ODOBRENJE"
    rows = [(18, f"{title} {spec.number}"), (10, ""),
            (10, f"Izdavatelj: {spec.supplier.name} (OIB {spec.supplier.vat})"),
            (10, f"Kupac: {spec.customer.name} (OIB {spec.customer.vat})"),
            (10, f"Datum izdavanja: {spec.issue_date}   Dospijece: {spec.due_date}"), (10, "")]
    rows += [(10, (f"{i}. {line.description}  {line.quantity} x {line.price:.2f} = "
                   f"{line.net:.2f} {spec.currency}  (PDV {line.rate} %)"))
             for i, line in enumerate(spec.lines, start=1)]
    rows += [(10, ""), (10, f"Osnovica: {t['exclusive']:.2f} {spec.currency}"),
             (10, f"PDV: {t['tax']:.2f} {spec.currency}"),
             (12, f"Za platiti: {t['payable']:.2f} {spec.currency}"),
             (10, f"IBAN: {spec.iban}   Poziv na broj: {spec.payment_reference}")]
    ops, y = ["BT"], 800
    for size, text in rows:
        ops.append(f"/F1 {size} Tf 1 0 0 1 50 {y} Tm ({_pdf_text(text)}) Tj")
        y -= size + 8
    ops.append("ET")
    return data.minimal_pdf("\n".join(ops).encode("latin-1"))


# --- hostile documents (tests and the `broken` account option) ---------------------------------

HOSTILE = {
    "xxe": b'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
           b'<ID xmlns="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
           b'&xxe;</ID></Invoice>',
    "billion_laughs": b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                      b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                      b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
                      b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
                      b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
                      b']>\n<Invoice>&lol5;</Invoice>',
    "not_ubl": b'<?xml version="1.0"?>\n<order><customer>Not an invoice</customer></order>',
    "malformed": b'<?xml version="1.0"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:'
                 b'schema:xsd:Invoice-2"><cbc:ID>unclosed',
}
