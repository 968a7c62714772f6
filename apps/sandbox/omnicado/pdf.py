"""A small, valid one-page PDF standing in for the provider's own document scans."""

import unicodedata

from apps.sandbox.data import minimal_pdf


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return folded.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(title: str, lines: list[str]) -> bytes:
    text = ["BT", "/F1 16 Tf", "50 790 Td", f"({_ascii(title)}) Tj", "/F1 10 Tf", "14 TL", "T*"]
    for line in lines[:50]:
        text += ["T*", f"({_ascii(line)[:110]}) Tj"]
    text.append("ET")
    return minimal_pdf("\n".join(text).encode())
