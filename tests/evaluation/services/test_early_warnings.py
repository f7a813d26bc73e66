"""Early warnings on a generated dataset with planted patterns — a surge, a cluster, a caller left
unresolved, a sensitive ticket — and decoys the scan must not flag: a big street with steady volume,
a one-day blip below the threshold, tickets of one category spread over many communities, a caller
whose repeated calls were all resolved."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dispatch.directory.models import Category, Region
from evaluation.choices import Satisfaction, WarningStatus
from evaluation.models import EarlyWarning
from evaluation.services import warning_handle, warnings_scan
from hotline.services import intake_ticket_create
from orders import clock
from orders.exceptions import Conflict
from tests.evaluation.helpers import closed_with

pytestmark = pytest.mark.django_db


def communities(street_code: str) -> list[Region]:
    return list(Region.objects.filter(parent__code=street_code, level="community").order_by("code"))


def log(cast, *, at: dt.datetime, region: Region, category: str, text: str = "反映问题") -> None:  # type: ignore[no-untyped-def]
    with clock.frozen_at(at):
        cast.create(region=region, category=Category.objects.get(code=category), content=text)


@pytest.fixture
def planted(cast):  # type: ignore[no-untyped-def]
    now = clock.now()
    day = dt.timedelta(days=1)
    huajiadi = communities("110105026")
    # surge: 垃圾清运 in 花家地: one ticket every four days for four weeks, then 8 in three days
    for n in range(7):
        log(cast, at=now - 4 * day - n * 4 * day, region=huajiadi[n % 4], category="010601")
    for n in range(8):
        log(cast, at=now - dt.timedelta(hours=2 + 8 * n), region=huajiadi[n % 4], category="010601")
    # decoy: a big street with steady volume — 3 停水 tickets a day, every day for 31 days
    big = communities("110108001")
    for n in range(31):
        for k in range(3):
            log(
                cast,
                at=now - n * day - dt.timedelta(hours=3 + 5 * k),
                region=big[k % len(big)],
                category="010101",
            )
    # decoy: a one-day blip below the threshold
    for k in range(3):
        log(cast, at=now - day - dt.timedelta(hours=k), region=communities("110105001")[0], category="010201")
    # cluster: 6 tickets about 道路积水 in one community within two days
    spot = communities("110105002")[0]
    for k in range(6):
        log(cast, at=now - dt.timedelta(hours=6 * k + 1), region=spot, category="010203")
    # decoy: 5 tickets of one category spread over five communities
    spread = communities("110105003")
    for k in range(5):
        log(cast, at=now - dt.timedelta(hours=5 * k + 1), region=spread[k], category="010204")
    # a caller left unresolved twice, and a caller whose three calls were resolved
    # (in different communities, so that they are not a cluster too)
    elsewhere = iter(communities("110105004"))
    for satisfied in (False, False, True):
        closed_with(
            cast,
            contacted=True,
            resolved=satisfied,
            satisfaction=Satisfaction.SATISFIED if satisfied else Satisfaction.UNSATISFIED,
            caller_phone="13811110000",
            region=next(elsewhere),
        )
    for _ in range(3):
        closed_with(
            cast,
            contacted=True,
            resolved=True,
            satisfaction=Satisfaction.SATISFIED,
            caller_phone="13822220000",
            region=next(elsewhere),
        )
    # a sensitive ticket
    intake_ticket_create(
        by=cast.agent,
        channel="phone",
        demand_type="complaint",
        category=Category.objects.get(code="010501"),
        region=huajiadi[0],
        content="暖气不热，老人说要跳楼",
        caller_phone="13833330000",
    )
    return {"spot": spot, "spread": spread}


def keys(kind: str) -> set[str]:
    return set(EarlyWarning.objects.filter(kind=kind).values_list("key", flat=True))


def test_the_scan_finds_the_planted_patterns_and_not_the_decoys(planted) -> None:  # type: ignore[no-untyped-def]
    raised = warnings_scan()
    street = Region.objects.get(code="110105026")
    garbage = Category.objects.get(code="010601")
    surge = EarlyWarning.objects.get(kind="surge", street=street, category=garbage)
    assert surge.count == 8
    assert surge.evidence["baseline"] == 7
    assert surge.evidence["expected"] == 0.75
    assert len(surge.evidence["tickets"]) == 8
    assert surge.district.code == "110105"
    surging_streets = {w.street.code for w in EarlyWarning.objects.filter(kind="surge")}
    assert "110108001" not in surging_streets  # steady, however big
    assert "110105001" not in surging_streets  # a blip below the threshold
    assert keys("cluster") == {f"cluster:{planted['spot'].pk}:{Category.objects.get(code='010203').pk}"}
    callers = EarlyWarning.objects.filter(kind="repeat_caller")
    assert callers.count() == 1
    assert callers.get().evidence["unresolved"] == 2
    sensitive = EarlyWarning.objects.get(kind="sensitive")
    assert "跳楼" in sensitive.title
    assert raised == {"surge": len(keys("surge")), "cluster": 1, "repeat_caller": 1, "sensitive": 1}


def test_the_scan_is_idempotent(planted) -> None:  # type: ignore[no-untyped-def]
    warnings_scan()
    before = EarlyWarning.objects.count()
    assert warnings_scan() == {}
    assert EarlyWarning.objects.count() == before


def test_supervisors_acknowledge_and_close(planted, cast, make_user) -> None:  # type: ignore[no-untyped-def]
    warnings_scan()
    warning = EarlyWarning.objects.get(kind="cluster")
    with pytest.raises(PermissionDenied):
        warning_handle(warning=warning, by=cast.handler, close=False)
    supervisor = make_user("supervisor")
    acknowledged = warning_handle(warning=warning, by=supervisor, close=False, note="已通知街道")
    assert acknowledged.status == WarningStatus.ACKNOWLEDGED
    with pytest.raises(Conflict) as handled:
        warning_handle(warning=warning, by=supervisor, close=False)
    assert handled.value.subject == "warning"
    with pytest.raises(ValidationError):
        warning_handle(warning=warning, by=supervisor, close=True)
    closed = warning_handle(warning=warning, by=supervisor, close=True, note="积水已抽排")
    assert (closed.status, closed.note) == (WarningStatus.CLOSED, "已通知街道\n积水已抽排")
    # still clustering at the next scan: a new warning, the closed one stays as it was
    warnings_scan()
    assert EarlyWarning.objects.filter(kind="cluster").count() == 2


def test_warnings_api_and_page(planted, cast, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    warnings_scan()
    supervisor = client_for("supervisor")
    rows = supervisor.get("/api/v1/insight/warnings/", {"kind": "cluster"}).json()["results"]
    assert len(rows) == 1
    assert rows[0]["status"] == "open"
    r = supervisor.post(f"/api/v1/insight/warnings/{rows[0]['id']}/close/", {}, format="json")
    assert r.status_code == 400
    assert "note" in r.json()
    r = supervisor.post(f"/api/v1/insight/warnings/{rows[0]['id']}/close/", {"note": "已处置"}, format="json")
    assert r.json()["status"] == "closed"
    assert (
        supervisor.post(
            f"/api/v1/insight/warnings/{rows[0]['id']}/acknowledge/", {}, format="json"
        ).status_code
        == 409
    )
    assert client_for("handler", "S110105026").get("/api/v1/insight/warnings/").json()["results"] == []
    # a district's supervisor sees the district's warnings only
    haidian = client_for("supervisor", "G110108")
    assert all(w["district"] == "海淀区" for w in haidian.get("/api/v1/insight/warnings/").json()["results"])
    page = Client()
    page.force_login(make_user("supervisor"))
    response = page.get("/insight/warnings/?status=open")
    assert response.status_code == 200
    assert len(response.context["warnings"]) >= 3
    page.force_login(cast.handler)
    assert page.get("/insight/warnings/").status_code == 403


def test_a_caller_at_risk_on_one_high_risk_callback_or_long_repeats(cast) -> None:  # type: ignore[no-untyped-def]
    """Seed 001's bus driver: one unsatisfied callback about wages owed is enough; so are repeated
    contacts over three months, whatever the callbacks said. Their decoys are not flagged."""
    now = clock.now()
    places = itertools.cycle(communities("110105004"))
    wages = Category.objects.get(code="030201")  # 拖欠工资: a high-risk category

    def closed(phone: str, *, satisfied: bool, category: Category | None = None, days_ago: int = 1) -> None:
        with clock.frozen_at(now - dt.timedelta(days=days_ago)):
            closed_with(
                cast,
                contacted=True,
                resolved=satisfied,
                satisfaction=Satisfaction.SATISFIED if satisfied else Satisfaction.UNSATISFIED,
                caller_phone=phone,
                region=next(places),
                **({"category": category} if category else {}),
            )

    closed("13900000001", satisfied=False, category=wages)  # the driver: once, unsatisfied
    closed("13900000002", satisfied=True, category=wages)  # decoy: wages owed, resolved
    closed("13900000003", satisfied=False)  # decoy: one unsatisfied, not high-risk
    for days_ago in (85, 60, 30, 5):  # four times in three months, each resolved
        closed("13900000004", satisfied=True, days_ago=days_ago)
    for days_ago in (85, 30, 5):  # decoy: three times
        closed("13900000005", satisfied=True, days_ago=days_ago)
    for days_ago in (120, 100, 95, 5):  # decoy: four, but three of them long ago
        closed("13900000006", satisfied=True, days_ago=days_ago)
    warnings_scan(now=now)
    reasons = sorted(tuple(w.evidence["reasons"]) for w in EarlyWarning.objects.filter(kind="repeat_caller"))
    assert reasons == [("high_risk_unhappy",), ("long_repeat",)]
    driver = EarlyWarning.objects.get(kind="repeat_caller", evidence__reasons=["high_risk_unhappy"])
    assert driver.ticket.category == wages
    assert "拖欠工资" in driver.title
    repeated = EarlyWarning.objects.get(kind="repeat_caller", evidence__reasons=["long_repeat"])
    assert repeated.count == 4
    assert len(repeated.evidence["tickets"]) == 4
