"""Demo knowledge-base articles (知识库) — what agents answer from on first start. The texts are
general guidance written for the demo, not official policy text; editors replace them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from dispatch.directory.models import Category, Unit
from hotline.models import Article
from hotline.services import article_save

ARTICLES = [
    (
        "010501",
        "供暖期室温标准及报修方式",
        "本市城镇居民供暖期一般为11月15日至次年3月15日，供暖期间居室温度应不低于18℃。室温不达标的，"
        "可先联系所在小区的供热单位报修；供热单位未处理的，热线将派单督促。",
    ),
    (
        "010503",
        "供暖开始和结束时间",
        "城镇居民供暖期一般为每年11月15日至次年3月15日，遇气温偏低时可能提前供暖或延长供暖，以市政府公告为准。",
    ),
    (
        "010602",
        "生活垃圾分类投放要求",
        "生活垃圾分为厨余垃圾、可回收物、有害垃圾和其他垃圾四类，应按小区设置的分类容器投放。"
        "大件垃圾需预约清运，不得随意堆放。",
    ),
    (
        "010101",
        "停水报修及停水信息查询",
        "计划停水会提前在小区公告。突发停水可拨打供水企业服务电话报修，热线也可代为派单；"
        "二次供水设施由产权单位或物业负责维护。",
    ),
    (
        "060303",
        "进京证办理方式",
        "外省市机动车进京需办理进京通行证，可通过“北京交警”应用程序在线申请，申请次数和有效期以交管部门规定为准。",
    ),
    (
        "060302",
        "尾号限行规定",
        "工作日高峰时段按机动车号牌尾号限行，限行尾号定期轮换，具体以交管部门发布的通告为准。",
    ),
    (
        "060401",
        "义务教育阶段入学政策咨询",
        "适龄儿童入学按户籍和居住情况登记，入学信息采集一般在每年春季开展，具体时间和材料以所在区教委通知为准。",
    ),
    (
        "060501",
        "异地就医备案",
        "参保人员异地就医前需办理备案，可通过国家医保服务平台或当地医保经办机构办理，备案后按规定直接结算。",
    ),
]


def demo_articles_load(*, by: User) -> int:
    """Create the demo articles once (an existing knowledge base is left alone)."""
    if Article.objects.exists():
        return 0
    owner = Unit.objects.get(code="HOTLINE")
    created = 0
    for code, title, body in ARTICLES:
        category = Category.objects.filter(code=code).first()
        article_save(
            by=by, title=title, body=body, owner_unit=owner, review_by=dt.date(2027, 6, 30), category=category
        )
        created += 1
    return created
