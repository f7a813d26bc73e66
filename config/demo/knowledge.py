"""Demo knowledge-base articles (知识库) — what agents answer from on first start — read from the
jurisdiction's ``demo_knowledge.yaml``. The texts are general guidance written for the demo, not
official policy text; editors replace them."""

from __future__ import annotations

import datetime as dt

import yaml
from django.contrib.auth.models import User

from dispatch.directory.jurisdiction import jurisdiction
from dispatch.directory.models import Category, Unit
from hotline.models import Article
from hotline.services import article_save


def demo_articles() -> list[tuple[str, str, str]]:
    """(category code, title, body) of the city's demo articles (``demo_knowledge.yaml``)."""
    rows = yaml.safe_load(jurisdiction().data_file("demo_knowledge.yaml").read_text(encoding="utf-8"))
    return [(str(row["category"]), row["title"], row["body"]) for row in rows or []]


def demo_articles_load(*, by: User) -> int:
    """Create the demo articles once (an existing knowledge base is left alone)."""
    if Article.objects.exists():
        return 0
    owner = Unit.objects.get(code="HOTLINE")
    created = 0
    for code, title, body in demo_articles():
        category = Category.objects.filter(code=code).first()
        article_save(
            by=by, title=title, body=body, owner_unit=owner, review_by=dt.date(2027, 6, 30), category=category
        )
        created += 1
    return created
