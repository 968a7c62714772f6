from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core.money import format_money

register = template.Library()

BADGE_TONES = {
    # shared vocabulary; each provider's states map onto these tones
    "ok": {"succeeded", "ok", "approved", "paid", "delivered", "acknowledged", "sent", "posted",
           "fiscalized", "accepted", "active"},
    "warn": {"queued", "running", "pending", "locked", "draft", "new", "processing", "stale",
             "superseded", "unpaid", "overdue", "in_progress", "received"},
    "bad": {"failed", "rejected", "error", "cancelled", "credited", "refused", "imbalanced"},
}


@register.filter
def money(amount, currency=""):
    return format_money(amount, currency)


@register.simple_tag
def badge(value, label=None):
    key = str(value or "").lower()
    tone = next((t for t, names in BADGE_TONES.items() if key in names), "neutral")
    return format_html('<span class="badge badge-{}">{}</span>', tone, label or value or "—")


@register.simple_tag
def cell(column, obj):
    """One table cell, escaped; money formatted with its currency."""
    value = column.value(obj)
    if column.kind == "money":
        text = format_money(value, column.currency(obj)) if value is not None else ""
        return format_html('<span class="num">{}</span>', text)
    if column.kind == "badge":
        return badge(value)
    if value is None or value == "":
        return mark_safe('<span class="muted">—</span>')
    if column.kind == "datetime":
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    elif column.kind == "bool":
        value = "yes" if value else "no"
    if column.link:
        return format_html('<a href="{}">{}</a>', column.link(obj), value)
    if column.kind == "number":
        return format_html('<span class="num">{}</span>', value)
    return format_html("{}", value)


@register.simple_tag(takes_context=True)
def sort_link(context, column):
    """Query string that sorts by `column`, flipping the direction when already sorted by it."""
    request = context["request"]
    current = context.get("sort", "")
    first = current.split(",")[0] if current else ""
    new = f"-{column.key}" if first == column.key else column.key
    params = request.GET.copy()
    params["sort"] = new
    params.pop("page", None)
    params.pop("export", None)
    arrow = "▲" if first == column.key else "▼" if first == f"-{column.key}" else ""
    return format_html('<a href="?{}" class="sort" hx-get="?{}">{} <span class="arrow">{}</span></a>',
                       params.urlencode(), params.urlencode(), column.label, arrow)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


@register.filter
def duration(delta):
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def bar_chart(bars, **options):
    """{% bar_chart bars %} — bars: a list of core.charts.Bar."""
    from apps.core.charts import bar_chart as render

    return render(bars, **options)
