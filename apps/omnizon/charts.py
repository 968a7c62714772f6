"""A grouped bar chart (documents in / out per month) as geometry for an inline SVG."""

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 760, 260, 44, 34, 14


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str


def nice_ceiling(value: int) -> int:
    """The axis top: a round number divisible by 4, so the four grid lines are whole."""
    for top in (4, 8, 12, 20, 40, 60, 80, 100, 200, 400, 600, 800, 1000, 2000, 4000, 10000):
        if value <= top:
            return top
    return -(-value // 4000) * 4000


def usage_chart(months) -> dict:
    """`months`: UsageMonth rows in order. Returns bars, axis ticks and labels."""
    top = nice_ceiling(max([m.documents_in for m in months] + [m.documents_out for m in months]
                           + [1]))
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(months), 1)
    bar_w = slot * 0.36

    def bar(i, offset, value, series):
        h = plot_h * value / top
        return Bar(LEFT + i * slot + slot * 0.12 + offset, TOP + plot_h - h, bar_w, h, value,
                   series)

    bars, labels = [], []
    for i, m in enumerate(months):
        bars.append(bar(i, 0, m.documents_in, "in"))
        bars.append(bar(i, bar_w, m.documents_out, "out"))
        labels.append({"x": LEFT + i * slot + slot / 2, "text": m.month.strftime("%b %y")})
    ticks = [{"y": TOP + plot_h - plot_h * k / 4, "value": top * k // 4} for k in range(5)]
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "labels": labels, "ticks": ticks,
            "left": LEFT, "right": WIDTH, "baseline": TOP + plot_h, "label_y": HEIGHT - 12}
