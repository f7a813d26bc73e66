"""Finding a unit: the search behind every unit field (dispatch, override, return, whistle), and the
whistle's scope — the ticket's district's departments and the city-wide units."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dispatch.action_forms import WhistleForm
from dispatch.directory.forms import UnitField, UnitsField
from dispatch.directory.models import Unit
from dispatch.services import whistle_raise
from orders.choices import TicketState

pytestmark = pytest.mark.django_db


def codes(body) -> list[str]:  # type: ignore[no-untyped-def]
    return [u["code"] for u in body["results"]]


def test_every_word_must_match_name_short_name_or_place(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("dispatcher")
    found = codes(client.get("/api/v1/units/", {"q": "朝阳 城管执法"}).json())
    assert found == ["D110105-urban_enforcement"]
    # a street office found by its street's district name and its own name
    assert "S110105026" in codes(client.get("/api/v1/units/", {"q": "朝阳 望京"}).json())
    assert codes(client.get("/api/v1/units/", {"q": "海淀 望京"}).json()) == []


def test_near_a_district_means_its_units_and_the_city_wide_ones(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("dispatcher")
    found = codes(
        client.get(
            "/api/v1/units/",
            {"q": "城管", "near": "110105", "kind": ["district_department", "municipal_department"]},
        ).json()
    )
    assert set(found) == {"D110105-urban_management", "D110105-urban_enforcement", "M-urban_enforcement"}
    assert not [c for c in found if c.startswith("D110108")]


def test_unit_fields_take_codes_or_exact_names_and_refuse_the_rest() -> None:
    assert UnitField().clean("S110105026").code == "S110105026"
    assert UnitField().clean("北京市热力集团有限责任公司").code == "E-heating"
    with pytest.raises(ValidationError):
        UnitField().clean("HOTLINE")  # the centre never handles tickets itself
    with pytest.raises(ValidationError):
        UnitField(kinds=["enterprise"]).clean("S110105026")
    units = UnitsField().clean(["E-heating", "S110105026", "E-heating"])
    assert [u.code for u in units] == ["E-heating", "S110105026"]
    with pytest.raises(ValidationError):
        UnitsField(required=True).clean([])


def test_the_whistle_form_offers_the_ticket_district(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    form = WhistleForm(ticket=ticket)
    widget = form.fields["departments"].widget
    assert widget.near == "110105"
    html = str(form["departments"])
    assert 'data-near="110105"' in html
    assert "district_department,municipal_department,enterprise" in html


def test_a_street_summons_its_own_districts_departments_only(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    haidian = Unit.objects.get(code="D110108-urban_enforcement")
    with pytest.raises(ValidationError) as error:
        whistle_raise(
            ticket=ticket, by=cast.handler, grade="routine", reason="占道严重", departments=[haidian]
        )
    assert "departments" in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ACCEPTED
    own = Unit.objects.get(code="D110105-urban_enforcement")
    city = Unit.objects.get(code="M-urban_management")
    whistle = whistle_raise(
        ticket=ticket, by=cast.handler, grade="routine", reason="占道严重", departments=[own, city]
    )
    assert set(whistle.summons.values_list("unit__code", flat=True)) == {own.code, city.code}
