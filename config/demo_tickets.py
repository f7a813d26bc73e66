"""Demo work for the embedded set-up: weeks of tickets across Beijing, run through the real services.

Every ticket is created, dispatched, signed, returned, whistled, replied and closed by the same
services people use, with the clock set to when each step happens (``orders.clock``), so events,
assignments and deadlines are what real use would leave. Steps that would fall after "now" are not
taken, which leaves tickets in every state. Deterministic for a given seed.

Volumes follow where people live (district populations of the 2020 census), demand types follow
Beijing's mix (about half answered at intake), and heating complaints rise in the heating season
(15 November – 15 March).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dispatch.directory.choices import MembershipRole, RegionKind, RegionLevel, UnitKind
from dispatch.directory.models import Category, Membership, Region, Unit
from dispatch.directory.reads import category_leaves
from dispatch.directory.services import membership_grant
from dispatch.services import (
    ticket_route_dispatch,
    ticket_route_suggest,
    whistle_raise,
    whistle_rate,
    whistle_report,
)
from evaluation.choices import Satisfaction
from evaluation.services import callback_record
from orders import clock, services
from orders.choices import TicketState
from orders.exceptions import TicketConflict
from orders.models import Ticket

# What callers say, by level-2 category code; {placeholders} are filled from the ticket.
CONTENTS: dict[str, list[str]] = {
    "0101": ["{place}从早上开始停水，没有看到停水通知，什么时候恢复？", "{place}自来水发黄有异味，不敢喝。"],
    "0102": ["{place}下水道返水，污水流到路上，味道很大。", "{place}雨后路面积水很深，行人过不去。"],
    "0103": ["{place}突然停电，家里有老人用制氧机，急需恢复。", "{place}电线杆上电线裸露，下雨天很危险。"],
    "0104": ["{place}楼道里有燃气味，担心泄漏。", "{place}燃气表IC卡充值后不走字。"],
    "0105": [
        "{place}家里暖气不热，室温只有{temp}度，老人孩子受不了。",
        "{place}暖气片漏水，已经泡了地板。",
        "{place}已经到供暖时间了暖气还是凉的。",
    ],
    "0106": ["{place}垃圾桶满了三天没人清运，气味很大。", "{place}楼下堆了很多装修垃圾，没人管。"],
    "0201": ["在{place}附近的饭店吃饭后肚子疼，怀疑食材不新鲜。", "{place}小卖部出售过期食品。"],
    "0202": ["{place}楼下每天晚上有人大声喧哗到凌晨。", "{place}有人在楼道里给电动车充电，很危险。"],
    "0203": [
        "{place}物业不作为，电梯坏了一个月没人修。",
        "{place}物业乱收停车费，也不给开发票。",
        "{place}屋顶漏雨，物业一直推脱。",
    ],
    "0204": [
        "{place}门口长期有车辆违停，堵住消防通道。",
        "{place}路口红绿灯坏了，车辆乱行。",
        "{place}路面有个大坑，晚上骑车很危险。",
    ],
    "0301": [
        "孩子在{place}上学，想咨询入学需要准备什么材料。",
        "{place}附近的培训机构关门，预交的学费退不回来。",
    ],
    "0302": ["我在{place}的工地干活，老板拖欠工资三个月了。", "公司不给缴纳社保，想咨询怎么办。"],
    "0303": ["{place}附近工地夜间施工，噪音太大睡不着。", "{place}楼下饭店油烟直排，窗户都不敢开。"],
    "0304": [
        "在{place}商场买的商品有质量问题，商家拒绝退货。",
        "{place}的健身房办了预付卡，现在关门跑路了。",
    ],
    "0305": ["在医院看病排队太久，工作人员态度差。", "想咨询{place}附近哪里可以打疫苗。"],
    "0306": ["{place}老人想申请养老助餐服务，怎么办理？", "家里老人想办老年卡，需要什么手续？"],
    "0307": ["{place}老旧小区改造施工拖了很久，什么时候完工？", "{place}房东不退押金。"],
    "0401": [
        "{place}路边有人摆摊占道经营，影响通行。",
        "{place}有人私搭乱建，占用公共空间。",
        "{place}路灯不亮好几天了，晚上很黑。",
    ],
    "0402": ["{place}树枝挡住了窗户，希望修剪一下。", "{place}有棵大树被风刮倒了，压着路。"],
    "0405": ["{place}公交站太远，希望增设站点。", "地铁早高峰太挤，希望加密班次。"],
    "0406": ["{place}手机信号很差，打电话经常断。", "最近经常接到骚扰电话。"],
    "0501": ["在{place}政务服务中心办事，来回跑了好几次都没办成。"],
    "0502": ["我们企业的扶持资金一直没有兑现。", "企业办理用电报装，进度太慢。"],
    "0601": ["想咨询积分落户今年的申报时间。"],
    "0602": ["想咨询在北京买房需要满足什么条件。"],
    "0603": ["想咨询新能源小客车指标怎么申请。", "外地车办进京证有什么要求？"],
    "0604": ["想咨询义务教育入学政策。"],
    "0605": ["想咨询异地就医备案怎么办理。"],
    "0606": ["想咨询户口迁移需要什么材料。"],
    "0607": ["想咨询生育登记怎么办理。"],
    "0701": ["{place}消防通道被杂物堵塞。", "{place}外墙有东西松动，可能掉下来砸到人。"],
    "0703": ["{place}有流浪狗咬人，很多居民害怕。", "{place}有人遛狗不拴绳。"],
    "0801": ["{place}村里宅基地纠纷，希望村委会协调。"],
    "0803": ["{place}希望社区增设便民菜站。"],
}
GENERIC = ["{place}反映{leaf}问题，希望尽快处理。"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
ANSWERS = ["已告知相关政策及办理渠道。", "已按知识库解答，诉求人表示清楚。", "已告知咨询电话和办理地点。"]
RESULTS = [
    "已与诉求人联系，现场核实后已处理完毕，诉求人认可。",
    "已协调相关单位现场处置，问题已解决。",
    "经核实，已督促责任方整改，整改完成。",
    "已向诉求人解释相关政策，并提供办理指引。",
]
HEATING_SEASON = ((11, 15), (3, 15))


@dataclass
class Scenario:
    """People acting in the demo, created on first need."""

    agents: list[User]
    dispatchers: list[User]
    callbacks: list[User]
    handlers: dict[int, User] = field(default_factory=dict)

    def handler_of(self, unit_id: int) -> User:
        if unit_id not in self.handlers:
            existing = (
                Membership.objects.filter(unit_id=unit_id, role=MembershipRole.HANDLER, is_active=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            if existing is not None:
                self.handlers[unit_id] = existing.user
            else:
                unit = Unit.objects.get(pk=unit_id)
                user, _ = User.objects.get_or_create(username=f"staff-{unit.code.lower()}")
                if user.has_usable_password():
                    user.set_unusable_password()
                user.first_name = f"{unit.short_name or unit.name}承办人"
                user.save()
                membership_grant(user=user, unit=unit, role=MembershipRole.HANDLER)
                self.handlers[unit_id] = user
        return self.handlers[unit_id]


def in_heating_season(day: dt.date) -> bool:
    (start_month, start_day), (end_month, end_day) = HEATING_SEASON
    return (day.month, day.day) >= (start_month, start_day) or (day.month, day.day) <= (end_month, end_day)


def _at(moment: dt.datetime, now: dt.datetime, action: Callable[[], Any]) -> Any:
    """Run a service as of ``moment`` — unless that moment has not come yet."""
    if moment > now:
        return None
    with clock.frozen_at(moment):
        try:
            return action()
        except (ValidationError, PermissionDenied, TicketConflict):
            return None


def demo_tickets_load(
    *, days: int = 30, per_day: int = 30, seed: int = 12345, progress: Callable[[str], None] = lambda _: None
) -> int:
    """Create ``days`` of tickets ending now. Returns how many were created."""
    rng = random.Random(seed)
    now = timezone.now()
    scenario = Scenario(
        agents=list(User.objects.filter(memberships__role=MembershipRole.AGENT, is_active=True)),
        dispatchers=list(
            User.objects.filter(memberships__role=MembershipRole.DISPATCHER).exclude(
                username="hotline-system"
            )
        ),
        callbacks=list(User.objects.filter(memberships__role=MembershipRole.CALLBACK)),
    )
    if not (scenario.agents and scenario.dispatchers and scenario.callbacks):
        raise RuntimeError("demo users are missing: run seed_demo first")
    leaves = list(category_leaves().select_related("parent"))
    heating = [c for c in leaves if c.parent.code == "0105"]
    consult = [c for c in leaves if c.demand_types == ["consult"] or c.path.startswith("06")]
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"))
    weights = [d.population or 300000 for d in districts]
    streets_of = {
        d.pk: list(
            Region.objects.filter(parent=d, level=RegionLevel.STREET)
            .exclude(kind=RegionKind.FUNCTIONAL_ZONE)
            .order_by("code")
        )
        for d in districts
    }
    communities_of: dict[int, list[Region]] = {}
    for community in Region.objects.filter(level=RegionLevel.COMMUNITY).only(
        "pk", "code", "name", "parent_id", "path", "level", "kind"
    ):
        communities_of.setdefault(community.parent_id, []).append(community)
    whistle_departments = {
        d.code: list(
            Unit.objects.filter(
                kind=UnitKind.DISTRICT_DEPARTMENT,
                region=d,
                function__in=["housing", "urban_enforcement", "market", "ecology"],
            )
        )
        for d in districts
    }
    phones = [
        f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        for _ in range(per_day * days // 2)
    ]
    created = 0
    open_by_street: dict[int, list[Ticket]] = {}
    for day_index in range(days, 0, -1):
        day = (now - dt.timedelta(days=day_index - 1)).date()
        season = in_heating_season(day)
        for _ in range(int(per_day * rng.uniform(0.8, 1.2))):
            hour = rng.choices(
                range(24),
                weights=[1, 1, 1, 1, 1, 2, 4, 7, 10, 11, 10, 9, 8, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2],
            )[0]
            created_at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)))
            )
            if created_at > now:
                continue
            district = rng.choices(districts, weights=weights)[0]
            street = rng.choice(streets_of[district.pk])
            region = rng.choice(communities_of.get(street.pk) or [street]) if rng.random() < 0.7 else street
            roll = rng.random()
            if season and roll < 0.25:
                category = rng.choice(heating)
            elif roll < 0.5:
                category = rng.choice(consult)
            else:
                category = rng.choice(leaves)
            ticket = _life(
                rng,
                scenario,
                category,
                region,
                street,
                district,
                created_at,
                now,
                phones,
                open_by_street,
                whistle_departments,
            )
            if ticket is not None:
                created += 1
        progress(f"  {day}: {created} tickets so far")
    created += _every_state_present(rng, scenario, now, leaves, streets_of, districts)
    return created


def _every_state_present(
    rng: random.Random,
    scenario: Scenario,
    now: dt.datetime,
    leaves: list[Category],
    streets_of: dict[int, list[Region]],
    districts: list[Region],
) -> int:
    """Make sure each state has a ticket, with short stories played in the last hours."""
    present = set(Ticket.objects.values_list("state", flat=True).distinct())
    street_leaves = [c for c in leaves if c.parent and c.parent.code in ("0106", "0203", "0401")]
    added = 0
    for state in TicketState:
        if state in present:
            continue
        district = rng.choice(districts[:6])
        _state_story(
            rng,
            scenario,
            now,
            TicketState(state),
            district,
            rng.choice(streets_of[district.pk]),
            rng.choice(street_leaves),
            f"1390000{added:04d}",
        )
        added += 1
    return added


def _content(rng: random.Random, category: Category, region: Region) -> str:
    templates = CONTENTS.get(category.parent.code if category.parent else "", GENERIC)
    place = region.name if rng.random() < 0.6 else f"{region.name}{rng.randint(1, 30)}号楼"
    return rng.choice(templates).format(place=place, leaf=category.name, temp=rng.randint(12, 17))


def _life(
    rng: random.Random,
    scenario: Scenario,
    category: Category,
    region: Region,
    street: Region,
    district: Region,
    created_at: dt.datetime,
    now: dt.datetime,
    phones: list[str],
    open_by_street: dict[int, list[Ticket]],
    whistle_departments: dict[str, list[Unit]],
) -> Ticket | None:
    agent, dispatcher, callback = (
        rng.choice(scenario.agents),
        rng.choice(scenario.dispatchers),
        rng.choice(scenario.callbacks),
    )
    channel = rng.choices(
        ["phone", "app", "wechat", "web", "weibo", "leaders_board", "enterprise_line"],
        weights=[82, 6, 5, 3, 1, 1, 2],
    )[0]
    demand_type = rng.choice(category.demand_types)
    ticket = _at(
        created_at,
        now,
        lambda: (
            services.ticket_create(
                by=agent,
                channel=channel,
                demand_type=demand_type,
                category=category,
                region=region,
                content=_content(rng, category, region),
                address=f"{district.name}{street.name}{region.name if region != street else ''}",
                caller_phone=rng.choice(phones),
                caller_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
                is_anonymous=rng.random() < 0.05,
                is_enterprise=channel == "enterprise_line",
            ).ticket
        ),
    )
    if ticket is None:
        return None
    t = created_at + dt.timedelta(minutes=rng.randint(2, 8))
    is_consult = demand_type == "consult"
    fate = rng.random()
    if (is_consult and fate < 0.85) or fate < 0.08:
        _at(t, now, lambda: services.ticket_answer(ticket=ticket, by=agent, answer=rng.choice(ANSWERS)))
        return ticket
    if fate < 0.10:
        _at(
            t,
            now,
            lambda: services.ticket_reject(
                ticket=ticket,
                by=agent,
                reason=rng.choice(["emergency", "statutory_route", "no_demand", "out_of_jurisdiction"]),
            ),
        )
        return ticket
    same_street = [p for p in open_by_street.get(street.pk, []) if p.category_id == category.pk]
    if same_street and fate < 0.16:
        parent = same_street[-1]
        _at(t, now, lambda: services.ticket_merge(ticket=ticket, by=dispatcher, parent=parent))
        return ticket
    t += dt.timedelta(minutes=rng.randint(3, 40))
    if category.auto_dispatch:
        from dispatch.services import system_user

        actor = system_user()
    else:
        actor = dispatcher
    if ticket_route_suggest(ticket=ticket).lead is None:
        return ticket
    if _at(t, now, lambda: ticket_route_dispatch(ticket=ticket, by=actor)) is None:
        return ticket
    open_by_street.setdefault(street.pk, []).append(ticket)
    ticket.refresh_from_db()
    lead = ticket.lead_unit_id
    handler = scenario.handler_of(lead)
    t += dt.timedelta(minutes=rng.randint(10, 360))
    if rng.random() < 0.05:  # mis-dispatched: the unit asks to return it
        if (
            _at(
                t,
                now,
                lambda: services.ticket_request_return(
                    ticket=ticket,
                    by=handler,
                    reason=rng.choice(["locality", "function", "ownership_unclear"]),
                    note="经核实不属于本单位职责范围。",
                ),
            )
            is None
        ):
            return ticket
        t += dt.timedelta(hours=rng.randint(1, 8))
        if rng.random() < 0.6:
            from dispatch.services import ticket_return_approve

            if (
                _at(
                    t,
                    now,
                    lambda: ticket_return_approve(
                        ticket=ticket, by=dispatcher, note="同意退单。", redispatch=True
                    ),
                )
                is None
            ):
                return ticket
            ticket.refresh_from_db()
            if ticket.lead_unit_id is None:
                return ticket
            handler = scenario.handler_of(ticket.lead_unit_id)
        else:
            if (
                _at(
                    t,
                    now,
                    lambda: services.ticket_deny_return(
                        ticket=ticket, by=dispatcher, note="属地问题，请街道牵头办理。"
                    ),
                )
                is None
            ):
                return ticket
        t += dt.timedelta(minutes=rng.randint(10, 120))
    if _at(t, now, lambda: services.ticket_accept(ticket=ticket, by=handler)) is None:
        return ticket
    ticket.refresh_from_db()
    if ticket.lead_unit and ticket.lead_unit.kind == UnitKind.STREET_OFFICE and rng.random() < 0.06:
        departments = rng.sample(whistle_departments[district.code], k=rng.randint(1, 2))
        t += dt.timedelta(hours=rng.randint(2, 24))
        whistle = _at(
            t,
            now,
            lambda: whistle_raise(
                ticket=ticket,
                by=handler,
                grade=rng.choice(["routine", "critical"]),
                reason="问题涉及多个部门职责，街道无法单独解决，请相关部门到场。",
                departments=departments,
            ),
        )
        for summons in whistle.summons.all() if whistle else []:
            reported = t + dt.timedelta(hours=rng.uniform(0.5, 30))
            _at(
                reported,
                now,
                lambda s=summons: whistle_report(
                    summons=s,
                    by=scenario.handler_of(s.unit_id),
                    note="已到场核查并提出处置意见。",
                    arrived_on_site=rng.random() < 0.8,
                ),
            )
            _at(
                reported + dt.timedelta(hours=2),
                now,
                lambda s=summons: whistle_rate(
                    summons=s, by=handler, rating=rng.choice([3, 4, 4, 5, 5]), comment="响应及时。"
                ),
            )
        t = t + dt.timedelta(hours=30)
    t += dt.timedelta(hours=rng.randint(6, 24 * 6))
    if (
        _at(t, now, lambda: services.ticket_reply(ticket=ticket, by=handler, result=rng.choice(RESULTS)))
        is None
    ):
        return ticket
    t += dt.timedelta(hours=rng.randint(4, 30))
    if rng.random() < 0.08:
        if (
            _at(
                t,
                now,
                lambda: callback_record(
                    ticket=ticket,
                    by=callback,
                    reached=True,
                    contacted=True,
                    resolved=False,
                    satisfaction=Satisfaction.UNSATISFIED,
                    action="reopen",
                    reopen_reason="回访诉求人表示问题仍未解决。",
                ),
            )
            is None
        ):
            return ticket
        t += dt.timedelta(hours=rng.randint(12, 72))
        if (
            _at(
                t,
                now,
                lambda: services.ticket_reply(ticket=ticket, by=handler, result="重新处置后问题已解决。"),
            )
            is None
        ):
            return ticket
        t += dt.timedelta(hours=rng.randint(4, 24))
    _callback(rng, ticket, callback, t, now)
    return ticket


def _callback(rng: random.Random, ticket: Ticket, by: User, t: dt.datetime, now: dt.datetime) -> None:
    """回访 as it goes: some callers never answer; how well a unit works shapes what callers say."""
    if rng.random() < 0.04:
        for attempt in range(settings.CALLBACK_MAX_ATTEMPTS):
            _at(
                t + dt.timedelta(hours=3 * attempt),
                now,
                lambda: callback_record(ticket=ticket, by=by, reached=False, notes="无人接听。"),
            )
        return
    # A stable per-unit quality, so that the ranking has a shape.
    quality = 0.70 + ((ticket.lead_unit_id or 0) * 7919 % 29) / 100
    resolved = rng.random() < quality
    draw = rng.random()
    if resolved:
        satisfaction = Satisfaction.SATISFIED if draw < 0.82 else Satisfaction.BASIC
        if draw > 0.97:
            satisfaction = Satisfaction.UNSATISFIED
    else:
        satisfaction = Satisfaction.UNSATISFIED if draw < 0.6 else Satisfaction.BASIC
    _at(
        t,
        now,
        lambda: callback_record(
            ticket=ticket,
            by=by,
            reached=True,
            contacted=rng.random() < 0.97,
            resolved=resolved,
            satisfaction=satisfaction,
            notes="回访完成。",
        ),
    )


def _state_story(
    rng: random.Random,
    scenario: Scenario,
    now: dt.datetime,
    state: TicketState,
    district: Region,
    street: Region,
    category: Category,
    phone: str,
) -> None:
    """A short story, played in the last three hours, that leaves a ticket in ``state``."""
    start = now - dt.timedelta(hours=3)
    agent, dispatcher = scenario.agents[0], scenario.dispatchers[0]
    with clock.frozen_at(start):
        ticket = services.ticket_create(
            by=agent,
            channel="phone",
            demand_type=category.demand_types[0],
            category=category,
            region=street,
            content=_content(rng, category, street),
            caller_phone=phone,
            caller_name="林女士",
        ).ticket
    if state == TicketState.RECEIVED:
        return
    if state == TicketState.MERGED:
        parent = (
            Ticket.objects.filter(
                state__in=[TicketState.ACCEPTED, TicketState.DISPATCHED], created_at__lte=start
            )
            .order_by("-created_at")
            .first()
        )
        if parent is not None:
            _at(
                start + dt.timedelta(minutes=5),
                now,
                lambda: services.ticket_merge(ticket=ticket, by=dispatcher, parent=parent),
            )
        return
    if state == TicketState.ANSWERED:
        _at(start, now, lambda: services.ticket_answer(ticket=ticket, by=agent, answer=ANSWERS[0]))
        return
    if state == TicketState.REJECTED:
        _at(start, now, lambda: services.ticket_reject(ticket=ticket, by=agent, reason="no_demand"))
        return
    _at(start + dt.timedelta(minutes=10), now, lambda: ticket_route_dispatch(ticket=ticket, by=dispatcher))
    ticket.refresh_from_db()
    if state == TicketState.DISPATCHED or ticket.lead_unit_id is None:
        return
    handler = scenario.handler_of(ticket.lead_unit_id)
    if state == TicketState.RETURN_REQUESTED:
        _at(
            start + dt.timedelta(hours=1),
            now,
            lambda: services.ticket_request_return(
                ticket=ticket, by=handler, reason="locality", note="地址位于相邻街道辖区。"
            ),
        )
        return
    _at(start + dt.timedelta(hours=1), now, lambda: services.ticket_accept(ticket=ticket, by=handler))
    if state == TicketState.ESCALATED:
        departments = list(
            Unit.objects.filter(
                kind=UnitKind.DISTRICT_DEPARTMENT,
                region=district,
                function__in=["housing", "urban_enforcement"],
            )
        )
        _at(
            start + dt.timedelta(hours=2),
            now,
            lambda: whistle_raise(
                ticket=ticket,
                by=handler,
                grade="routine",
                reason="涉及住建、城管执法职责，需部门到场。",
                departments=departments,
            ),
        )
        return
    if state == TicketState.ACCEPTED:
        return
    _at(
        start + dt.timedelta(hours=2),
        now,
        lambda: services.ticket_reply(ticket=ticket, by=handler, result=RESULTS[0]),
    )
    if state == TicketState.CLOSED:
        _at(
            start + dt.timedelta(hours=2, minutes=30),
            now,
            lambda: callback_record(
                ticket=ticket,
                by=scenario.callbacks[0],
                reached=True,
                contacted=True,
                resolved=True,
                satisfaction=Satisfaction.SATISFIED,
            ),
        )
