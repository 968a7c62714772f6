"""Deterministic sample data: the same (seed, keys) always gives the same values.

Record i of an account is a pure function of (seed, i), so an emulator can serve any page of a
large dataset without building the rest, and a test can compute exactly what it holds.
"""

import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal

# Real-world text: diacritics of the providers' countries, and markup a page must escape.
CZECH_COMPANIES = [
    "Žluťoučký kůň s.r.o.", "Příliš a.s.", "Šťastná Řeka spol. s r.o.", "Čeněk & Dušek v.o.s.",
    "Úžasné Účetnictví s.r.o.", "Ďáblova Ťava a.s.", "Kovárna Ňuňák s.r.o.", "Mall Partner CZ",
]
CROATIAN_COMPANIES = [
    "Đurđevac d.o.o.", "Šibenik Čistoća d.d.", "Žitnjak Ćevapi d.o.o.", "Opatija Džep j.d.o.o.",
    "Čakovec Ljubičica d.o.o.", "Zagrebačka Štedionica d.d.",
]
FINNISH_NAMES = [
    "Äänekosken Asunnot Oy", "Matti Meikäläinen", "Kiinteistö Öljymäki Oy", "Liisa Ylä-Mäkelä",
    "Asunto Oy Pääskynpesä", "Jyväskylän Välitys Oy",
]
MARKUP_SAMPLES = [
    '<script>alert("x")</script>Eshop', "<b>Bold</b> & Sons", "O'Brien \"Quoted\" <i>Ltd</i>",
    "<img src=x onerror=alert(1)>",
]


def rng(seed: int, *keys) -> random.Random:
    digest = hashlib.sha256(repr((seed,) + keys).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def pick_name(r: random.Random, pool: list[str], markup_rate: float = 0.05) -> str:
    if r.random() < markup_rate:
        return r.choice(MARKUP_SAMPLES)
    return r.choice(pool)


def amount(r: random.Random, low: int, high: int, places: int = 2) -> Decimal:
    """A random Decimal in [low, high) with `places` decimals: no float anywhere."""
    scale = 10 ** places
    return Decimal(r.randrange(low * scale, high * scale)).scaleb(-places)


def day_offset(start: date, days: int) -> date:
    return start + timedelta(days=days)


def minimal_pdf(content: bytes) -> bytes:
    """A valid one-page A4 PDF around a content stream (Helvetica as F1, WinAnsi text): what
    the emulators serve as the providers' own PDFs, built without any library."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
         b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
