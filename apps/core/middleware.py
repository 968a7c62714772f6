from django.contrib.messages import get_messages
from django.template.loader import render_to_string


class HtmxMessagesMiddleware:
    """HTMX responses carry pending messages as an out-of-band swap into #messages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or request.htmx.boosted:
            return response
        if response.streaming or response.status_code in (204, 301, 302) or \
                "text/html" not in response.get("Content-Type", ""):
            return response
        if "HX-Redirect" in response or "HX-Location" in response:
            return response
        storage = get_messages(request)
        if not storage:
            return response
        response.content += render_to_string(
            "core/_messages.html", {"messages": storage, "oob": True}, request=request
        ).encode()
        return response
