"""The directory: regions, units, memberships, categories and the dispatch catalog.

The bottom layer (DESIGN §2): it imports no other project code; tickets and everything else point
at it. Reference data is loaded by idempotent management commands (``manage.py load_reference``)
from real sources and edited by administrators in the Django admin. The models belong to the
``dispatch`` app (its migrations), which imports them in ``dispatch/models.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    RULES_NEEDING_FUNCTION,
    AliasKind,
    AssessmentGroup,
    CodeChange,
    DemandType,
    EmergencyLine,
    LeadRule,
    MembershipRole,
    RegionKind,
    RegionLevel,
    UnitFunction,
    UnitKind,
    UrgencyTier,
)
from .fields import optional_reference
from .trees import PATH_SEPARATOR, subtree_repath


class TreeNode(models.Model):
    """A node of a materialised-path tree (``dispatch.directory.trees``)."""

    path: str  # each tree declares its own column (lengths differ)
    _loaded_path: str | None = None  # the path as read from the database
    _loaded_level: Any = None

    class Meta:
        abstract = True

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Any:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_path = instance.__dict__.get("path")  # what the descendants' paths start with
        instance._loaded_level = instance.__dict__.get("level")
        return instance

    def _carry_subtree(self) -> None:
        """After a save: if this node's path changed, its descendants follow."""
        old = getattr(self, "_loaded_path", None)
        if old and old != self.path:
            old_level, new_level = getattr(self, "_loaded_level", None), getattr(self, "level", None)
            # Category levels are depths (1–3) and move with the node; region levels are names.
            delta = new_level - old_level if isinstance(old_level, int) and isinstance(new_level, int) else 0
            subtree_repath(type(self), old, self.path, level_delta=delta)
        self._loaded_path, self._loaded_level = self.path, getattr(self, "level", None)


class Region(TreeNode):
    """行政区划: the city, its districts, streets/townships (and functional zones) and communities.

    ``path`` holds the codes from the city down (``110000.110105.110105026``) so that a subtree is
    one indexed prefix match. Codes are the official ones (民政部 for districts and streets, 国家统计局
    for communities and functional zones); superseded codes live in ``RegionCodeHistory``.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=RegionKind.choices)
    parent = optional_reference("self", _("parent"), related_name="children")
    path = models.CharField(_("path"), max_length=80, db_index=True, editable=False)
    population = models.PositiveIntegerField(_("resident population"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=120, blank=True)
    centroid_lng = models.FloatField(_("centroid longitude"), null=True, blank=True)
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "code"], name="region_level_code"),
            models.Index(fields=["name"], name="region_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The path is derived from the parent chain; it is the one derived field we store,
        # because subtree matching by prefix needs it indexed. A moved region takes its subtree.
        self.path = self.compute_path()
        super().save(*args, **kwargs)
        self._carry_subtree()

    def compute_path(self) -> str:
        if self.parent_id is None:
            return self.code
        parent_path = self.parent.path if self.parent else ""
        return f"{parent_path}{PATH_SEPARATOR}{self.code}"

    @property
    def path_codes(self) -> list[str]:
        return self.path.split(PATH_SEPARATOR)

    def subtree_q(self, field: str = "") -> Q:
        """A Q matching this region and everything below it, on ``<field>path``."""
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path": self.path}) | Q(
            **{f"{prefix}path__startswith": self.path + PATH_SEPARATOR}
        )


class RegionAlias(models.Model):
    """别名: another name citizens or statistics use for a region (南磨房地区 for 南磨房乡)."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AliasKind.choices)
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("region alias")
        verbose_name_plural = _("region aliases")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="region_alias_unique")]

    def __str__(self) -> str:
        return f"{self.name} → {self.region.name}"


class RegionCodeHistory(models.Model):
    """区划代码沿革: a code (and name) a region had, or has in another statistical source.

    A ticket or report that carries an old code still resolves to today's region.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("current region"), on_delete=models.CASCADE, related_name="code_history"
    )
    code = models.CharField(_("former code"), max_length=12, db_index=True)
    name = models.CharField(_("former name"), max_length=64)
    change = models.CharField(_("change"), max_length=16, choices=CodeChange.choices)
    year = models.PositiveSmallIntegerField(_("year of change"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("region code history")
        verbose_name_plural = _("region code history")
        ordering = ["region__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code", "name"], name="region_code_history_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} → {self.region.code} {self.region.name}"


class Unit(models.Model):
    """承办单位: a street office, district government, department, enterprise or the hotline centre."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    function = models.CharField(_("function"), max_length=32, choices=UnitFunction.choices, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    parent = optional_reference("self", _("supervising unit"), related_name="children")
    assessment_group = models.CharField(_("assessment group"), max_length=24, choices=AssessmentGroup.choices)
    duty_phone = models.CharField(_("duty phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            # Routing resolves "the <kind> of <function> in <region>"; it must be unambiguous. Several
            # enterprises may share a function (service areas tell them apart; ServiceArea).
            models.UniqueConstraint(
                fields=["kind", "function", "region"],
                condition=Q(is_active=True) & ~Q(kind=UnitKind.ENTERPRISE),
                name="unit_kind_function_region",
            ),
        ]
        indexes = [models.Index(fields=["kind", "function"], name="unit_kind_function")]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """供应范围: a region an enterprise serves (a district water company, a heating company's
    districts). Routing picks the enterprise serving the ticket's place, the city-wide one otherwise."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="service_areas"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region served"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [models.UniqueConstraint(fields=["unit", "region"], name="service_area_once")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.region}"

    def clean(self) -> None:
        if self.unit_id and self.unit.kind != UnitKind.ENTERPRISE:
            raise ValidationError({"unit": _("Only public-service enterprises have service areas.")})


class Membership(models.Model):
    """人员归属: a user works for a unit in a role (a handler of 望京街道, a dispatcher of the centre)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"


class Category(TreeNode):
    """诉求分类: a three-level tree. Tickets are filed under a leaf (level 3).

    A leaf carries the urgency tier it usually has and the demand types (咨询/求助/投诉/举报/建议)
    that make sense for it; intake rejects a demand type the leaf does not list.
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    parent = optional_reference("self", _("parent"), related_name="children")
    level = models.PositiveSmallIntegerField(_("level"))
    path = models.CharField(_("path"), max_length=64, db_index=True, editable=False)
    default_urgency = models.CharField(
        _("default urgency"), max_length=16, choices=UrgencyTier.choices, blank=True
    )
    demand_types = models.JSONField(_("demand types"), default=list, blank=True)
    keywords = models.CharField(_("search keywords"), max_length=200, blank=True)
    synonyms = models.TextField(
        _("synonyms and common phrasing"),
        blank=True,
        help_text=_("Space-separated phrases callers and agents use for this category (楼上漏水, 地锁)."),
    )
    auto_dispatch = models.BooleanField(
        _("auto-dispatch"), default=False, help_text=_("Dispatch by the catalog without a dispatcher.")
    )
    transfer_to = models.CharField(
        _("transfer to"),
        max_length=3,
        choices=EmergencyLine.choices,
        blank=True,
        help_text=_(
            "An emergency line's matter: transferred at once (refused as an emergency), never dispatched."
        ),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="category_level_1_to_3"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = self.code if self.parent is None else f"{self.parent.path}{PATH_SEPARATOR}{self.code}"
        self.level = 1 if self.parent is None else self.parent.level + 1
        old_level = getattr(self, "_loaded_level", None)
        if self.pk is not None and old_level is not None and self.level != old_level:
            deepest = Category.objects.filter(
                path__startswith=f"{self._loaded_path}{PATH_SEPARATOR}"
            ).aggregate(deepest=models.Max("level"))["deepest"]
            if deepest is not None and deepest - old_level + self.level > 3:
                raise ValidationError({"parent": _("Categories have at most three levels.")})
        super().save(*args, **kwargs)
        self._carry_subtree()

    def clean(self) -> None:
        invalid = [t for t in self.demand_types or [] if t not in DemandType.values]
        if invalid:
            raise ValidationError({"demand_types": _("Unknown demand types: %s") % ", ".join(invalid)})
        if self.parent is not None and self.parent.level >= 3:
            raise ValidationError({"parent": _("Categories have at most three levels.")})

    def subtree_q(self, field: str = "") -> Q:
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path": self.path}) | Q(
            **{f"{prefix}path__startswith": self.path + PATH_SEPARATOR}
        )

    @property
    def full_name(self) -> str:
        names: list[str] = []
        node: Category | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))


class CatalogEntry(models.Model):
    """派单目录条目: for a category subtree (optionally only within a region), who leads and who assists.

    The most specific entry wins: deepest category first, then the finest region (DESIGN §4).
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="catalog_entries"
    )
    region = optional_reference(Region, _("only within region"), related_name="catalog_entries")
    lead_rule = models.CharField(_("lead rule"), max_length=24, choices=LeadRule.choices)
    lead_function = models.CharField(
        _("lead function"), max_length=32, choices=UnitFunction.choices, blank=True
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True, help_text=_("Duty list item or rule."))
    is_active = models.BooleanField(_("active"), default=True)
    from_seed = models.BooleanField(_("from the seed file"), default=False, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("catalog entry")
        verbose_name_plural = _("catalog entries")
        ordering = ["category__path", "region__path"]

    def __str__(self) -> str:
        where = f" @ {self.region}" if self.region_id else ""
        return f"{self.category}{where}: {self.get_lead_rule_display()}"

    def clean(self) -> None:
        validate_rule(self.lead_rule, self.lead_function, self.lead_unit_id, field_prefix="lead_")
        same_region = Q(region_id=self.region_id) if self.region_id else Q(region__isnull=True)
        duplicates = CatalogEntry.objects.filter(
            same_region, category_id=self.category_id, is_active=True
        ).exclude(pk=self.pk)
        if self.is_active and duplicates.exists():
            raise ValidationError(_("An active entry for this category and region already exists."))


class CatalogAssist(models.Model):
    """协办规则: a unit that assists under a catalog entry, named by the same kind of rule."""

    entry = models.ForeignKey(
        CatalogEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="assists"
    )
    rule = models.CharField(_("rule"), max_length=24, choices=LeadRule.choices)
    function = models.CharField(_("function"), max_length=32, choices=UnitFunction.choices, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assisting rule")
        verbose_name_plural = _("assisting rules")

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.get_function_display()}".strip()

    def clean(self) -> None:
        validate_rule(self.rule, self.function, self.unit_id, field_prefix="")


def validate_rule(rule: str, function: str, unit_id: int | None, *, field_prefix: str) -> None:
    if rule in RULES_NEEDING_FUNCTION and not function:
        raise ValidationError({f"{field_prefix}function": _("This rule needs a function.")})
    if rule == LeadRule.UNIT and unit_id is None:
        raise ValidationError({f"{field_prefix}unit": _("Name the unit.")})
