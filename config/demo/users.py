"""Demo users (and, as the project grows, demo work) for the embedded set-up.

Every role has a user; handlers work for real units (望京街道, 南磨房地区, 朝阳区城管委, 市水务局,
自来水集团 …). All share the password in ``settings.DEMO_PASSWORD``. Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from dispatch.directory.choices import MembershipRole
from dispatch.directory.jurisdiction import jurisdiction
from dispatch.directory.models import Unit
from dispatch.directory.services import membership_grant


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    unit_code: str
    role: str


# 北京市 (the default profile); another city lists its own in its profile folder (demo_users.yaml).
BEIJING_DEMO_USERS = [
    DemoUser("agent", "王芳", "HOTLINE", MembershipRole.AGENT),
    DemoUser("agent2", "李静", "HOTLINE", MembershipRole.AGENT),
    DemoUser("dispatcher", "张伟", "HOTLINE", MembershipRole.DISPATCHER),
    DemoUser("callback", "刘洋", "HOTLINE", MembershipRole.CALLBACK),
    DemoUser("supervisor", "陈明", "HOTLINE", MembershipRole.SUPERVISOR),
    DemoUser("assessor", "赵敏", "HOTLINE", MembershipRole.ASSESSOR),
    DemoUser("chaoyang_supervisor", "孙强", "G110105", MembershipRole.SUPERVISOR),
    DemoUser("wangjing", "周丽", "S110105026", MembershipRole.HANDLER),
    DemoUser("nanmofang", "吴军", "S110105021", MembershipRole.HANDLER),
    DemoUser("sanlitun", "郑涛", "S110105004", MembershipRole.HANDLER),
    DemoUser("zhongguancun", "冯雪", "S110108011", MembershipRole.HANDLER),
    DemoUser("yongshun", "何平", "S110112120", MembershipRole.HANDLER),
    DemoUser("chaoyang_cgw", "高峰", "D110105-urban_management", MembershipRole.HANDLER),
    DemoUser("chaoyang_zjw", "林娜", "D110105-housing", MembershipRole.HANDLER),
    DemoUser("chaoyang_traffic", "马超", "D110105-traffic_police", MembershipRole.HANDLER),
    DemoUser("chaoyang_market", "罗燕", "D110105-market", MembershipRole.HANDLER),
    DemoUser("swj", "梁晨", "M-water", MembershipRole.HANDLER),
    DemoUser("water_group", "宋佳", "E-water_supply", MembershipRole.HANDLER),
    DemoUser("heating_group", "唐磊", "E-heating", MembershipRole.HANDLER),
]


@transaction.atomic
def demo_users_load() -> list[DemoUser]:
    """Create the demo users that do not exist yet, with the demo password, and their memberships.

    An existing user is never touched: a password someone changed stays changed.
    """
    user_model = get_user_model()
    if not user_model.objects.filter(username="admin").exists():
        user_model.objects.create_superuser(
            username="admin", password=settings.DEMO_PASSWORD, email="", first_name="系统管理员"
        )
    for demo in demo_users():
        if user_model.objects.filter(username=demo.username).exists():
            continue
        user = user_model.objects.create_user(
            username=demo.username,
            password=settings.DEMO_PASSWORD,
            first_name=demo.full_name,
            is_staff=True,  # reference data and their own work are visible in the admin, scoped
        )
        membership_grant(user=user, unit=Unit.objects.get(code=demo.unit_code), role=demo.role)
    return demo_users()


def demo_users() -> list[DemoUser]:
    """The demo users of the city this deployment serves."""
    path = jurisdiction().data_dir / "demo_users.yaml"
    if not path.exists():
        return BEIJING_DEMO_USERS
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [DemoUser(r["username"], r["full_name"], r["unit"], MembershipRole(r["role"])) for r in rows]
