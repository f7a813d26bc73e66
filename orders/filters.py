"""The ticket list's filters. Code filters take the codes people read (district 110105, unit S110105026)."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.api.filters import IsoDateTimeFilter
from dispatch.directory.choices import DemandType, UrgencyTier
from dispatch.directory.models import Category, Region

from .choices import Channel, TicketState
from .models import Assignment, Ticket
from .privacy import phone_hash, phone_normalize
from .selectors import caller_contact_visible


class TicketFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=TicketState.choices, label=_("state (repeat for several)")
    )
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    urgency = django_filters.MultipleChoiceFilter(choices=UrgencyTier.choices)
    demand_type = django_filters.MultipleChoiceFilter(choices=DemandType.choices)
    number = django_filters.CharFilter(field_name="number")
    district = django_filters.CharFilter(field_name="district__code", label=_("district code"))
    street = django_filters.CharFilter(field_name="street__code", label=_("street/township code"))
    region = django_filters.CharFilter(
        method="filter_region", label=_("region code (and everything below it)")
    )
    category = django_filters.CharFilter(method="filter_category", label=_("category code (and its subtree)"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("code of a unit holding the ticket now"))
    lead_unit = django_filters.CharFilter(field_name="lead_unit__code", label=_("lead unit code"))
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("past a sign-for or handling deadline")
    )
    is_enterprise = django_filters.BooleanFilter()
    is_anonymous = django_filters.BooleanFilter()
    parent = django_filters.CharFilter(field_name="parent__number", label=_("parent ticket number"))
    q = django_filters.CharFilter(method="filter_q", label=_("number, content or address"))
    caller_phone = django_filters.CharFilter(
        method="filter_caller_phone", label=_("caller phone (agents, callback)")
    )

    class Meta:
        model = Ticket
        fields = [
            "state",
            "channel",
            "urgency",
            "demand_type",
            "number",
            "district",
            "street",
            "region",
            "category",
            "unit",
            "lead_unit",
            "created_after",
            "created_before",
            "overdue",
            "is_enterprise",
            "is_anonymous",
            "parent",
            "q",
            "caller_phone",
        ]

    def filter_region(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        region = Region.objects.filter(code=value).first()
        if region is None:
            raise ValidationError({"region": _("Unknown region code.")})
        return queryset.filter(region.subtree_q("region"))

    def filter_category(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        category = Category.objects.filter(code=value).first()
        if category is None:
            raise ValidationError({"category": _("Unknown category code.")})
        return queryset.filter(category.subtree_q("category"))

    def filter_unit(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        held = Assignment.objects.filter(ticket=OuterRef("pk"), unit__code=value, ended_at__isnull=True)
        return queryset.filter(Exists(held))

    def filter_overdue(self, queryset: QuerySet[Ticket], name: str, value: bool | None) -> QuerySet[Ticket]:
        if value is None:
            return queryset
        now = timezone.now()
        late = Assignment.objects.filter(ticket=OuterRef("pk"), ended_at__isnull=True).filter(
            Q(signed_at__isnull=True, sign_due_at__lt=now) | Q(replied_at__isnull=True, handle_due_at__lt=now)
        )
        return queryset.filter(Exists(late)) if value else queryset.exclude(Exists(late))

    def filter_q(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        value = value.strip()
        if value.isdigit() and len(value) >= 8:
            return queryset.filter(number__startswith=value)
        return queryset.filter(Q(content__icontains=value) | Q(address__icontains=value))

    def filter_caller_phone(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        if not caller_contact_visible(user=self.request.user):
            raise PermissionDenied(_("Only agents and callback staff search by a caller's phone."))
        try:
            normalized = phone_normalize(value)
        except ValidationError as error:
            raise ValidationError({"caller_phone": error.messages}) from error
        return queryset.filter(caller__phone_hash=phone_hash(normalized))
