"""The regions' and categories' materialised paths follow a moved node down its subtree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dispatch.directory.models import Category, Region

pytestmark = pytest.mark.django_db


def test_a_street_moved_to_another_district_takes_its_communities_along() -> None:
    street = Region.objects.get(code="110105026")  # 望京街道, 朝阳区
    communities = Region.objects.filter(parent=street)
    assert communities.count() > 5
    haidian = Region.objects.get(code="110108")
    street.parent = haidian
    street.save()
    assert street.path == "110000.110108.110105026"
    for community in communities:
        assert community.path == f"110000.110108.110105026.{community.code}"
    assert Region.objects.filter(haidian.subtree_q(), parent=street).count() == communities.count()
    chaoyang = Region.objects.get(code="110105")
    assert not Region.objects.filter(chaoyang.subtree_q(), parent=street).exists()


def test_a_category_moved_keeps_its_leaves_levels_and_paths() -> None:
    node = Category.objects.get(code="0102")  # 排水, under 城市运行 (01)
    leaves = list(node.children.values_list("code", flat=True))
    target = Category.objects.filter(level=1).exclude(pk=node.parent_id).order_by("code").first()
    node.parent = target
    node.save()
    for leaf in Category.objects.filter(code__in=leaves):
        assert (leaf.level, leaf.path) == (3, f"{target.code}.0102.{leaf.code}")


def test_a_move_that_would_make_a_fourth_level_is_refused() -> None:
    node = Category.objects.get(code="0102")
    under_a_second_level = Category.objects.get(code="0103")
    node.parent = under_a_second_level
    with pytest.raises(ValidationError):
        node.save()
    assert Category.objects.get(code="010201").path == "01.0102.010201"
