import django_filters
from django import forms

from apps.core.models import Connection
from apps.omnium import selectors
from apps.omnium.models import CATEGORIES, LedgerLine, Posting, PostingSource, PostingStatus

CATEGORY_CHOICES = [(c, c) for c in CATEGORIES]


def _connections(request=None):
    return Connection.objects.filter(provider="omnium")


def _upper(queryset, name, value):
    return queryset.filter(**{name: value.strip().upper()})


class _Base(django_filters.FilterSet):
    connection = django_filters.ModelChoiceFilter(queryset=_connections)
    date_from = django_filters.DateFilter(field_name="posting_date", lookup_expr="gte",
                                          label="Posting date from",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(field_name="posting_date", lookup_expr="lte",
                                        label="to", widget=forms.DateInput(attrs={"type": "date"}))
    store = django_filters.CharFilter(field_name="store_id", label="Store")
    register = django_filters.CharFilter(field_name="register_id", label="Register")
    currency = django_filters.CharFilter(field_name="currency", method=_upper,
                                         widget=forms.TextInput(attrs={"size": 4}))

    include_flag = "include_superseded"

    def _include_everything(self) -> bool:
        return bool(self.is_bound and self.form.is_valid()
                    and self.form.cleaned_data.get(self.include_flag))


class PostingFilter(_Base):
    source = django_filters.ChoiceFilter(choices=PostingSource.choices)
    status = django_filters.ChoiceFilter(choices=PostingStatus.choices)
    company = django_filters.CharFilter(field_name="accounting_company_code",
                                        label="Company code")
    reference = django_filters.CharFilter(method="filter_reference",
                                          label="Posting / Z-report / ERP ref.")
    check = django_filters.ChoiceFilter(
        choices=[(k, v[0]) for k, v in selectors.CHECKS.items()], method="filter_check",
        label="Data check")
    include_superseded = django_filters.BooleanFilter(
        method="keep", widget=forms.CheckboxInput, label="Include superseded (audit)")

    class Meta:
        model = Posting
        fields = []

    def keep(self, queryset, name, value):
        return queryset

    def filter_reference(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(provider_id=value) | queryset.filter(z_report_id=value) | \
            queryset.filter(external_reference=value)

    def filter_check(self, queryset, name, value):
        return selectors.check_queryset(value, queryset)

    @property
    def qs(self):
        queryset = super().qs
        if self._include_everything() or self.data.get("status") == PostingStatus.SUPERSEDED:
            return queryset
        return queryset.exclude(status=PostingStatus.SUPERSEDED).exclude(
            in_totals=False, superseded_by__gt="")


class LedgerLineFilter(_Base):
    account = django_filters.ChoiceFilter(field_name="account_number",
                                          choices=selectors.account_choices, label="Account")
    category = django_filters.ChoiceFilter(choices=CATEGORY_CHOICES)
    vat_code = django_filters.CharFilter(label="VAT code")
    tax_group = django_filters.CharFilter(field_name="tax_group_code", label="Tax group")
    source = django_filters.ChoiceFilter(choices=PostingSource.choices)
    customer = django_filters.CharFilter(field_name="customer_number", label="Customer no.")
    invoice = django_filters.CharFilter(field_name="invoice_number", label="Invoice no.")
    posting = django_filters.CharFilter(field_name="posting__provider_id", label="Posting id")
    include_superseded = django_filters.BooleanFilter(
        method="keep", widget=forms.CheckboxInput,
        label="Include lines not counted (superseded, rejected)")

    class Meta:
        model = LedgerLine
        fields = []

    def keep(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        return queryset if self._include_everything() else queryset.filter(in_totals=True)


class AccountSummaryForm(forms.Form):
    connection = forms.ModelChoiceField(queryset=_connections(), required=False)
    date_from = forms.DateField(label="Period from", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="to", widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.CharField(required=False, max_length=3,
                               widget=forms.TextInput(attrs={"size": 4}))

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            raise forms.ValidationError("The period starts after it ends.")
        if first and last and (last - first).days > 366:
            raise forms.ValidationError("Choose a period of at most a year.")
        return data
