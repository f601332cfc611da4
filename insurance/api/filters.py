"""The insurance API's list filters (django-filter). Each filter has an index (see the models' Meta)."""

from django_filters import rest_framework as df

from .. import selectors
from ..constants import ClaimStatus
from ..models import Claim, Policy


class PolicyFilter(df.FilterSet):
    year = df.NumberFilter(field_name="year", label="保单年度")
    township = df.NumberFilter(field_name="township_id", label="乡镇")

    class Meta:
        model = Policy
        fields = ["year", "township"]


class ClaimFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=ClaimStatus.choices, label="状态")
    township = df.NumberFilter(field_name="township_id", label="乡镇")
    year = df.NumberFilter(field_name="policy__year", label="保单年度")
    todo = df.BooleanFilter(method="waiting_for_me", label="只看等待我处理的")

    class Meta:
        model = Claim
        fields = ["status", "township", "year", "todo"]

    def waiting_for_me(self, queryset, name, value):
        return queryset.filter(status__in=selectors.todo_states(self.request.user)) if value else queryset
