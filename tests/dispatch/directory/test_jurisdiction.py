"""One jurisdiction profile says which city this deployment serves; the city-specific code reads it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dispatch.directory.jurisdiction import jurisdiction
from orders.privacy import phone_mask, phone_normalize

pytestmark = pytest.mark.django_db


def test_the_default_profile() -> None:
    city = jurisdiction()
    assert (city.key, city.code, city.phone_area_code) == ("beijing", "110000", "010")
    assert city.data_file("units.yaml").parent.name == "beijing"
    assert city.data_file("categories.yaml").parent.name == "data"  # shared by every city
    assert city.contains_code("110105026")
    assert not city.contains_code("330106")


def test_a_bare_landline_takes_the_profiles_area_code() -> None:
    assert phone_normalize("6512 3456") == "01065123456"
    assert phone_mask("01065123456") == "010****3456"
    assert phone_mask("057187654321") == "0571****4321"
    with pytest.raises(ValidationError):
        phone_normalize("123")


def test_a_point_outside_the_city_is_refused_naming_it(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        cast.create(longitude=120.15, latitude=30.28)  # 杭州
    assert "北京市" in error.value.message_dict["longitude"][0]


def test_the_regions_are_the_profiles() -> None:
    from dispatch.directory.models import Region

    assert Region.objects.get(level="city").code == jurisdiction().code
    assert (
        not Region.objects.exclude(code__startswith=jurisdiction().division_prefix)
        .exclude(level="city")
        .exists()
    )
