"""The credit API's list filters (django-filter): every list narrows by township and village,
each by its own fields too. Each filter has an index (see the models' Meta)."""

from django_filters import rest_framework as df

from ..constants import FactStatus, ItemKind, RoundStatus, SubjectKind
from ..models import CreditLine, Enterprise, EvaluationRound, Fact, Rating, Subject


class VillageFilter(df.FilterSet):
    township = df.NumberFilter(field_name="township_id", label="乡镇")
    village = df.NumberFilter(field_name="village_id", label="村/社区")


class SubjectFilter(VillageFilter):
    kind = df.ChoiceFilter(choices=SubjectKind.choices, label="类型")
    name = df.CharFilter(field_name="name", lookup_expr="startswith", label="名称（前缀）")

    class Meta:
        model = Subject
        fields = ["township", "village", "kind", "name"]


class FactFilter(VillageFilter):
    status = df.ChoiceFilter(choices=FactStatus.choices, label="状态")
    kind = df.ChoiceFilter(choices=ItemKind.choices, label="类型")
    subject = df.NumberFilter(field_name="subject_id", label="主体")

    class Meta:
        model = Fact
        fields = ["township", "village", "status", "kind", "subject"]


class RoundFilter(VillageFilter):
    status = df.ChoiceFilter(choices=RoundStatus.choices, label="状态")

    class Meta:
        model = EvaluationRound
        fields = ["township", "village", "status"]


class RatingFilter(VillageFilter):
    round = df.NumberFilter(field_name="round_id", label="评定轮次")
    grade = df.CharFilter(field_name="grade", label="等级")
    vetoed = df.BooleanFilter(field_name="vetoed", label="一票否决")

    class Meta:
        model = Rating
        fields = ["township", "village", "round", "grade", "vetoed"]


class LineFilter(VillageFilter):
    class Meta:
        model = CreditLine
        fields = ["township", "village"]


class EnterpriseFilter(VillageFilter):
    class Meta:
        model = Enterprise
        fields = ["township", "village"]
