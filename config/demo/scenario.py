"""What the demo is made of: what callers say, the scenario of a day, and running a step at its moment."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from dispatch.directory.choices import MembershipRole
from dispatch.directory.models import Category, Membership, Region, Unit
from dispatch.directory.services import membership_grant
from orders import clock
from orders.exceptions import TicketConflict

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
    "0602": ["想咨询在本市买房需要满足什么条件。"],
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


def at(moment: dt.datetime, now: dt.datetime, action: Callable[[], Any]) -> Any:
    """Run a service as of ``moment`` — unless that moment has not come yet."""
    if moment > now:
        return None
    with clock.frozen_at(moment):
        try:
            return action()
        except (ValidationError, PermissionDenied, TicketConflict):
            return None


def content_for(rng: random.Random, category: Category, region: Region) -> str:
    templates = CONTENTS.get(category.parent.code if category.parent else "", GENERIC)
    place = region.name if rng.random() < 0.6 else f"{region.name}{rng.randint(1, 30)}号楼"
    return rng.choice(templates).format(place=place, leaf=category.name, temp=rng.randint(12, 17))
