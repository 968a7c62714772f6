"""Server-rendered SVG bar charts: no JavaScript, no CDN, and they print in PDFs too."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join


@dataclass
class Bar:
    label: str           # under the bar (e.g. "03-14")
    value: Decimal | int
    title: str = ""      # tooltip (e.g. "2026-03-14: 1 234.00 EUR")


def bar_chart(bars: list[Bar], *, width=720, height=180, label_every=None) -> str:
    """Bars above and below a zero line; labels thinned out so they never overlap."""
    if not bars:
        return format_html('<p class="muted">{}</p>', "No data for this period.")
    top = max(max(b.value for b in bars), 0)
    bottom = min(min(b.value for b in bars), 0)
    span = (top - bottom) or 1
    plot_h = height - 24
    zero_y = plot_h * top / span
    step = width / len(bars)
    every = label_every or max(1, round(len(bars) / 12))
    rects = []
    for i, bar in enumerate(bars):
        bar_h = float(abs(bar.value) * plot_h / span)
        y = float(zero_y) - bar_h if bar.value >= 0 else float(zero_y)
        rects.append((
            f"{i * step + step * 0.12:.1f}", f"{y:.1f}", f"{step * 0.76:.1f}", f"{max(bar_h, 0.5):.1f}",
            "bar neg" if bar.value < 0 else "bar", bar.title or f"{bar.label}: {bar.value}",
        ))
    labels = [(f"{i * step + step / 2:.1f}", height - 6, bar.label)
              for i, bar in enumerate(bars) if i % every == 0]
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" class="bar-chart">{}'
        '<line x1="0" x2="{}" y1="{}" y2="{}" stroke="#c9ced6"/>{}</svg>',
        width, height,
        format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" class="{}"><title>{}</title></rect>',
                         rects),
        width, f"{zero_y:.1f}", f"{zero_y:.1f}",
        format_html_join("", '<text x="{}" y="{}" text-anchor="middle">{}</text>', labels),
    )
