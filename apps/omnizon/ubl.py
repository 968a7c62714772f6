"""Read UBL 2.1 invoices and credit notes, safely.

defusedxml refuses any DTD, so neither external entities (XXE) nor entity expansion (billion
laughs) can reach the parser; e-invoices never need a DTD. Anything that is not a readable UBL
Invoice/CreditNote raises `UBLError` with a sentence staff can read. Missing business fields
do not raise: they are listed in `Invoice.problems` (the upload check refuses those).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as SafeET

MAX_BYTES = 10 * 1024 * 1024
LIMIT = Decimal("1e13")  # beyond any invoice; keeps hostile numbers out of the columns
NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ROOTS = {f"{{{NS['inv']}}}Invoice": "Invoice", f"{{{NS['cn']}}}CreditNote": "CreditNote"}


class UBLError(ValueError):
    """The bytes are not a UBL invoice we can read (or were refused as hostile)."""


@dataclass
class Party:
    name: str = ""
    vat: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""


@dataclass
class Line:
    position: str
    description: str
    quantity: Decimal | None
    unit: str
    unit_price: Decimal | None
    net_amount: Decimal | None
    vat_category: str
    vat_rate: Decimal | None


@dataclass
class VatGroup:
    category: str
    rate: Decimal | None
    taxable_amount: Decimal | None
    tax_amount: Decimal | None
    exemption_reason: str = ""


@dataclass
class Invoice:
    doc_type: str
    number: str = ""
    issue_date: date | None = None
    due_date: date | None = None
    type_code: str = ""
    currency: str = ""
    note: str = ""
    billing_reference: str = ""
    supplier: Party = field(default_factory=Party)
    customer: Party = field(default_factory=Party)
    lines: list[Line] = field(default_factory=list)
    vat: list[VatGroup] = field(default_factory=list)
    allowances: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)   # name -> Decimal (line, exclusive, tax, ...)
    payment: dict = field(default_factory=dict)  # means_code, reference, iban, account_name
    problems: list[str] = field(default_factory=list)

    @property
    def payable(self) -> Decimal | None:
        return self.totals.get("payable")


def parse(content: bytes) -> Invoice:
    root = _root(content)
    doc_type = ROOTS.get(root.tag)
    if doc_type is None:
        raise UBLError(f"Not a UBL 2.1 Invoice or CreditNote (the root element is "
                       f"<{root.tag.split('}')[-1]}>).")
    return _Reader(root, doc_type).invoice()


def _root(content: bytes):
    if not content or not content.strip():
        raise UBLError("The file is empty.")
    if len(content) > MAX_BYTES:
        raise UBLError("The file is larger than 10 MB.")
    try:
        return SafeET.fromstring(content, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DTDForbidden:
        raise UBLError("Refused: the XML declares a DTD (entity declarations can read files "
                       "or expand without limit; e-invoices never need them).") from None
    except EntitiesForbidden:
        raise UBLError("Refused: the XML declares entities.") from None
    except DefusedXmlException as exc:
        raise UBLError(f"Refused: unsafe XML ({type(exc).__name__}).") from None
    except ParseError as exc:
        raise UBLError(f"Not well-formed XML: {exc}.") from None


class _Reader:
    def __init__(self, root, doc_type):
        self.root, self.doc_type, self.problems = root, doc_type, []
        self.line_tag = "cac:InvoiceLine" if doc_type == "Invoice" else "cac:CreditNoteLine"
        self.qty_tag = "cbc:InvoicedQuantity" if doc_type == "Invoice" else "cbc:CreditedQuantity"

    def text(self, path, node=None) -> str:
        found = (self.root if node is None else node).find(path, NS)
        return (found.text or "").strip() if found is not None else ""

    def amount(self, path, node=None) -> Decimal | None:
        raw = self.text(path, node)
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or abs(value) >= LIMIT:
            self.problems.append(f"{path.split(':')[-1]} is not a usable number: {raw[:40]!r}.")
            return None
        return value

    def day(self, path) -> date | None:
        raw = self.text(path)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problems.append(f"{path.split(':')[-1]} is not a date: {raw[:40]!r}.")
            return None

    def party(self, path) -> Party:
        node = self.root.find(f"{path}/cac:Party", NS)
        if node is None:
            return Party()
        def t(p):
            return self.text(p, node)

        return Party(
            name=t("cac:PartyName/cbc:Name") or t("cac:PartyLegalEntity/cbc:RegistrationName"),
            vat=t("cac:PartyTaxScheme/cbc:CompanyID") or t("cac:PartyLegalEntity/cbc:CompanyID"),
            street=t("cac:PostalAddress/cbc:StreetName"),
            city=t("cac:PostalAddress/cbc:CityName"),
            postcode=t("cac:PostalAddress/cbc:PostalZone"),
            country=t("cac:PostalAddress/cac:Country/cbc:IdentificationCode"))

    def lines(self) -> list[Line]:
        return [Line(position=self.text("cbc:ID", n) or str(i),
                     description=self.text("cac:Item/cbc:Name", n),
                     quantity=self.amount(self.qty_tag, n),
                     unit=(n.find(self.qty_tag, NS).get("unitCode", "")
                           if n.find(self.qty_tag, NS) is not None else ""),
                     unit_price=self.amount("cac:Price/cbc:PriceAmount", n),
                     net_amount=self.amount("cbc:LineExtensionAmount", n),
                     vat_category=self.text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", n),
                     vat_rate=self.amount("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", n))
                for i, n in enumerate(self.root.findall(self.line_tag, NS), start=1)]

    def vat(self, currency) -> tuple[list[VatGroup], Decimal | None]:
        """The TaxTotal in the document currency (a second one may repeat VAT in EUR)."""
        totals = self.root.findall("cac:TaxTotal", NS)
        chosen = next((t for t in totals if t.find("cbc:TaxAmount", NS) is not None and
                       t.find("cbc:TaxAmount", NS).get("currencyID", currency) == currency),
                      totals[0] if totals else None)
        if chosen is None:
            return [], None
        groups = [VatGroup(category=self.text("cac:TaxCategory/cbc:ID", s),
                           rate=self.amount("cac:TaxCategory/cbc:Percent", s),
                           taxable_amount=self.amount("cbc:TaxableAmount", s),
                           tax_amount=self.amount("cbc:TaxAmount", s),
                           exemption_reason=self.text("cac:TaxCategory/cbc:TaxExemptionReason", s))
                  for s in chosen.findall("cac:TaxSubtotal", NS)]
        return groups, self.amount("cbc:TaxAmount", chosen)

    def invoice(self) -> Invoice:
        currency = self.text("cbc:DocumentCurrencyCode")
        vat_groups, tax_total = self.vat(currency)
        legal = "cac:LegalMonetaryTotal/cbc:"
        inv = Invoice(
            doc_type=self.doc_type, number=self.text("cbc:ID"),
            issue_date=self.day("cbc:IssueDate"),
            due_date=self.day("cbc:DueDate") or self.day("cac:PaymentMeans/cbc:PaymentDueDate"),
            type_code=self.text("cbc:InvoiceTypeCode") or self.text("cbc:CreditNoteTypeCode"),
            currency=currency, note=self.text("cbc:Note"),
            billing_reference=self.text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
            supplier=self.party("cac:AccountingSupplierParty"),
            customer=self.party("cac:AccountingCustomerParty"),
            lines=self.lines(), vat=vat_groups,
            allowances=[{"charge": self.text("cbc:ChargeIndicator", a) == "true",
                         "reason": self.text("cbc:AllowanceChargeReason", a),
                         "amount": self.amount("cbc:Amount", a),
                         "category": self.text("cac:TaxCategory/cbc:ID", a),
                         "rate": self.amount("cac:TaxCategory/cbc:Percent", a)}
                        for a in self.root.findall("cac:AllowanceCharge", NS)],
            totals={"lines": self.amount(legal + "LineExtensionAmount"),
                    "allowances": self.amount(legal + "AllowanceTotalAmount"),
                    "charges": self.amount(legal + "ChargeTotalAmount"),
                    "exclusive": self.amount(legal + "TaxExclusiveAmount"),
                    "tax": tax_total,
                    "inclusive": self.amount(legal + "TaxInclusiveAmount"),
                    "prepaid": self.amount(legal + "PrepaidAmount"),
                    "payable": self.amount(legal + "PayableAmount")},
            payment={"means_code": self.text("cac:PaymentMeans/cbc:PaymentMeansCode"),
                     "reference": self.text("cac:PaymentMeans/cbc:PaymentID"),
                     "iban": self.text("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
                     "account_name": self.text(
                         "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name")},
        )
        inv.problems = self.problems + missing_fields(inv)
        return inv


def missing_fields(inv: Invoice) -> list[str]:
    """EN 16931 fields every e-invoice must carry (the upload check refuses without them)."""
    required = [
        ("BT-1", "the invoice number", inv.number), ("BT-2", "the issue date", inv.issue_date),
        ("BT-5", "the currency", inv.currency),
        ("BT-27", "the supplier's name", inv.supplier.name),
        ("BT-31", "the supplier's VAT number", inv.supplier.vat),
        ("BT-44", "the customer's name", inv.customer.name),
        ("BG-25", "at least one line", inv.lines),
        ("BT-110", "the VAT total", inv.totals.get("tax") is not None),
        ("BT-115", "the amount due", inv.payable is not None),
    ]
    return [f"Missing {what} ({code})." for code, what, value in required if not value]
