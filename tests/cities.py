"""What the city-neutral suites need to know of each city, written out by hand from its data.

The lifecycle, dispatch, deadline and assessment suites are marked ``cities``: they run on the
default city (Beijing) with the whole suite, and again on Hangzhou (``JURISDICTION=hangzhou pytest -m
cities``, as CI does) against a database loaded with Hangzhou's reference data. A test asks the
``city`` fixture for a street office, its district, an address, a matter and the deadlines that
city's policy gives it, instead of naming Beijing codes.

The expected values are not read from the code under test: routes come from the catalog's rules
for the matter as a dispatcher would read them, deadlines from the city's published practice
(Beijing: utility matters signed within 2 hours and handled within 24; Hangzhou: non-emergencies
signed and assigned within 24 hours and handled within 7 days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
# Every deadline test dispatches its ticket at this moment (a Friday in the official 2026 calendar).
DISPATCHED_AT = dt.datetime(2026, 11, 20, 10, 0, tzinfo=ZONE)

# The escalation ladder of both cities' policies: warned at 80% of the time, urged 2 hours after
# the deadline, supervised (督办) 24 hours after the urging.
WARN_RATIO = 0.8
URGE_AFTER = dt.timedelta(hours=2)
SUPERVISE_AFTER = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Ladder:
    """The four steps of one deadline started at ``start`` and due at ``due``."""

    start: dt.datetime
    due: dt.datetime

    @property
    def warn(self) -> dt.datetime:
        return self.start + (self.due - self.start) * WARN_RATIO

    @property
    def overdue(self) -> dt.datetime:
        return self.due

    @property
    def urge(self) -> dt.datetime:
        return self.due + URGE_AFTER

    @property
    def supervise(self) -> dt.datetime:
        return self.urge + SUPERVISE_AFTER


@dataclass(frozen=True)
class CityCase:
    jurisdiction: str
    code: str
    # A street office (the cast's lead unit), its full name as notices write it, a neighbouring
    # street of the same district, the district government (its supervisor).
    street: str
    street_name: str
    neighbour: str
    district: str
    other_district: str
    # A community of that street and an address in it.
    region: str
    address: str
    # The cast's default matter: a utility-tier category whose catalog entry puts a unit other than
    # the street in the lead, with the street assisting; words the route's explanation and the
    # override error carry; where an approved return of the lead sends the ticket.
    category: str
    content: str
    topic: str
    lead: str
    lead_name_part: str
    assists: tuple[str, ...]
    after_return: str
    # The water company (停水 is auto-dispatched to it) and a word of its name.
    water_company_name_part: str
    # The city's deadlines for a utility-tier matter dispatched at DISPATCHED_AT.
    sign_limit: dt.timedelta
    handle_limit: dt.timedelta

    def department(self, function: str) -> str:
        """The code of the street's district department with this function (D110105-housing)."""
        return f"D{self.district.removeprefix('G')}-{function}"

    @property
    def sign(self) -> Ladder:
        return Ladder(DISPATCHED_AT, DISPATCHED_AT + self.sign_limit)

    @property
    def handle(self) -> Ladder:
        return Ladder(DISPATCHED_AT, DISPATCHED_AT + self.handle_limit)


BEIJING = CityCase(
    jurisdiction="beijing",
    code="110000",
    street="S110105026",
    street_name="朝阳区望京街道办事处",
    neighbour="S110105004",
    district="G110105",
    other_district="G110108",  # 海淀区
    region="110105026034",  # 花家地西里社区
    address="朝阳区花家地西里3号楼2单元501",
    category="010501",  # 供暖 › 室温不达标: 热力集团 leads, the street assists
    content="暖气不热，室温只有15度，老人孩子受不了。",
    topic="供暖",
    lead="E-heating",
    lead_name_part="热力集团",
    assists=("S110105026",),
    after_return="G110105",  # the enterprise is excluded: the district government takes it
    water_company_name_part="自来水",
    sign_limit=dt.timedelta(hours=2),
    handle_limit=dt.timedelta(hours=24),
)

HANGZHOU = CityCase(
    jurisdiction="hangzhou",
    code="330100",
    street="S330102003",
    street_name="上城区湖滨街道办事处",
    neighbour="S330102001",  # 清波街道
    district="G330102",
    other_district="G330105",  # 拱墅区
    region="330102003050",  # 涌金门社区
    address="上城区湖滨街道东坡路7号",
    # 排水 › 污水外溢: the district's water bureau leads, the drainage company and the street assist
    category="010201",
    content="小区门口下水道堵了，污水冒到路面上，味道很大。",
    topic="排水",
    lead="D330102-water",
    lead_name_part="林业水利局",
    assists=("E-drainage", "S330102003"),
    after_return="G330102",  # the department is excluded: the district government takes it
    water_company_name_part="水务",
    sign_limit=dt.timedelta(hours=24),
    handle_limit=dt.timedelta(days=7),
)

CASES = {case.jurisdiction: case for case in (BEIJING, HANGZHOU)}


def active_city() -> CityCase:
    """The case of the city this run's database was loaded with (settings.JURISDICTION)."""
    from django.conf import settings

    return CASES[settings.JURISDICTION]
