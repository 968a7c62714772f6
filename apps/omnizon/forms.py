from django import forms

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class AcknowledgeForm(forms.Form):
    reason = forms.CharField(max_length=500, initial="Imported into ERP",
                             help_text="Sent to Omnizon with the acknowledgement.")


class SendForm(forms.Form):
    connection = forms.ChoiceField()
    company = forms.ChoiceField(label="Sending company")
    file = forms.FileField(label="UBL 2.1 XML (Invoice or CreditNote)")

    def __init__(self, *args, connections, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connection"].choices = [(c.pk, c.name) for c in connections]
        self.fields["company"].choices = companies

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB.")
        return upload


class UsageForm(forms.Form):
    connection = forms.ChoiceField()
    company = forms.ChoiceField()

    def __init__(self, *args, connections, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connection"].choices = [(c.pk, c.name) for c in connections]
        self.fields["company"].choices = companies
