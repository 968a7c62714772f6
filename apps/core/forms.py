from django import forms

from apps.core import registry
from apps.core.models import Connection


class ConnectionForm(forms.ModelForm):
    """Admin form: credentials are write-only. Blank keeps the stored value."""

    credentials_text = forms.CharField(
        label="Credentials", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One name=value per line, e.g. client_id=… Leave blank to keep the stored "
                  "credentials (never shown again).",
    )
    schedule_minutes = forms.IntegerField(
        required=False, min_value=0, help_text="Sync every N minutes (blank or 0: no schedule)."
    )

    class Meta:
        model = Connection
        fields = ["provider", "name", "base_url", "options", "enabled"]

    def clean_credentials_text(self):
        text = self.cleaned_data["credentials_text"].strip()
        if not text:
            return None
        return parse_credentials(text.splitlines())

    def clean(self):
        cleaned = super().clean()
        creds = cleaned.get("credentials_text")
        provider = cleaned.get("provider")
        if provider and (creds is not None or not self.instance.pk):
            try:
                required = registry.get(provider).credential_fields
            except LookupError:
                required = []
            missing = [name for name in required if name not in (creds or {})]
            if missing:
                self.add_error("credentials_text", f"Missing: {', '.join(missing)}.")
        return cleaned

    def save(self, commit=True):
        creds = self.cleaned_data.get("credentials_text")
        if creds is not None:
            self.instance.credentials = creds
        return super().save(commit)


def parse_credentials(pairs) -> dict:
    creds = {}
    for pair in pairs:
        pair = pair.strip()
        if not pair:
            continue
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise forms.ValidationError(f"Expected name=value, got '{name.strip()}…'.")
        creds[name.strip()] = value.strip()
    return creds
