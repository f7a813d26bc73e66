"""A second city from the same code and the same official data: `manage.py up --city 330100` runs
Hangzhou (its own embedded database and broker), an agent logs a demand at a real Hangzhou address,
the dispatcher's route sends it to the right street office, and its deadlines are Hangzhou's (5
minutes to sign for an emergency, 24 hours otherwise; 24 hours and 7 days to handle). Nothing of
Beijing is in the Hangzhou database."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from .conftest import ROOT, free_port, wait_for

ADDRESS = "杭州市上城区湖滨街道东坡路7号"

LEAK_CHECK = """
import json
from django.db.models import Q
from dispatch.directory.models import Category, Region, RegionAlias, Unit
from orders.models import SlaPolicy
from hotline.models import Article
beijing = Q(name__contains="北京") | Q(name__contains="朝阳区")
print(json.dumps({
    "regions": Region.objects.filter(beijing | Q(code__startswith="11")).count(),
    "aliases": RegionAlias.objects.filter(beijing).count(),
    "units": Unit.objects.filter(
        beijing | Q(short_name__contains="北京") | Q(code__regex=r"^[SGDZ]11")
    ).count(),
    "synonyms": Category.objects.filter(Q(synonyms__contains="北京") | Q(keywords__contains="北京")).count(),
    "policies": SlaPolicy.objects.filter(Q(name__contains="北京") | Q(basis__contains="北京")).count(),
    "articles": Article.objects.filter(Q(title__contains="北京") | Q(body__contains="北京")).count(),
    "city": list(Region.objects.filter(level="city").values_list("code", flat=True)),
    "streets": Region.objects.filter(level="street").count(),
    "street_offices": Unit.objects.filter(kind="street_office").count(),
    "shangcheng": Region.objects.get(code="330102").population,
}))
"""


LIFE = """
import datetime as dt, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from dispatch.directory.models import Category, Region, Unit
from dispatch.services import ticket_route_dispatch
from evaluation.models import PeriodScore
from evaluation.services import callback_record, period_scores_compute
from hotline.services import intake_ticket_create
from orders import services
from orders.models import DeadlineStepRecord, Ticket
from orders.sweep import deadline_sweep
users = get_user_model().objects
names = ("agent", "dispatcher", "callback", "hubin")
agent, dispatcher, callback, handler = (users.get(username=u) for u in names)
def new(urgency, phone):
    return intake_ticket_create(by=agent, channel="phone", demand_type="complaint",
        category=Category.objects.get(code="010601"), region=Region.objects.get(code="330102003"),
        content="垃圾没有清运", caller_phone=phone, urgency=urgency).ticket
done = ticket_route_dispatch(ticket=new("general", "13957100001"), by=dispatcher)
done = services.ticket_accept(ticket=done, by=handler)
done = services.ticket_reply(ticket=done, by=handler, result="已清运")
callback_record(ticket=done, by=callback, reached=True, contacted=True, resolved=True,
    satisfaction="satisfied")
late = ticket_route_dispatch(ticket=new("emergency", "13957100002"), by=dispatcher)
steps = deadline_sweep(now=timezone.now() + dt.timedelta(minutes=30))
period_scores_compute(group="street", day=timezone.localdate())
score = PeriodScore.objects.get(unit__code="S330102003", label=f"{timezone.localdate():%Y-%m}")
print(json.dumps({
    "closed": Ticket.objects.get(pk=done.pk).state,
    "late_steps": sorted(DeadlineStepRecord.objects.filter(ticket=late).values_list("step", flat=True)),
    "valid": score.valid_callbacks,
    "satisfaction": score.satisfaction_rate,
}))
"""


def test_up_for_hangzhou_routes_a_real_address_with_hangzhous_deadlines(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "JURISDICTION", "DATA_DIR")
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "HOME": str(tmp_path),  # the embedded data goes under DATA_DIR (below), not the checkout
    }
    env["DATA_DIR"] = str(tmp_path / "var")
    log = tmp_path / "up.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "up",
                "--city",
                "330100",
                "--demo",
                "--demo-days",
                "1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: b"Quit the server" in log.read_bytes() or _up(base), 300, "up did not start")
            wait_for(lambda: _up(base), 60, "the web server did not answer:\n" + log.read_text())

            def token(username: str) -> dict[str, str]:
                answer = requests.post(
                    f"{base}/api/v1/auth/token/",
                    data={"username": username, "password": "demo-12345"},
                    timeout=10,
                )
                return {"Authorization": f"Token {answer.json()['token']}"}

            agent, dispatcher = token("agent"), token("dispatcher")
            found = requests.get(
                f"{base}/api/v1/addresses/resolve/", params={"address": ADDRESS}, headers=agent, timeout=10
            ).json()
            assert found["street_code"] == "330102003"  # 湖滨街道
            results = {}
            for urgency in ("general", "emergency"):
                created = requests.post(
                    f"{base}/api/v1/tickets/",
                    json={
                        "channel": "phone",
                        "demand_type": "complaint",
                        "category": "010601",
                        "region": found["region_code"],
                        "address": "东坡路7号",
                        "content": "小区垃圾三天没有清运",
                        "caller_phone": "13957100000",
                        "urgency": urgency,
                    },
                    headers=agent,
                    timeout=10,
                )
                assert created.status_code == 201, created.text
                ticket = created.json()
                route = requests.get(
                    f"{base}/api/v1/tickets/{ticket['id']}/route/", headers=dispatcher, timeout=10
                )
                lead = route.json()["lead_unit"]
                assert (lead["code"], lead["name"]) == ("S330102003", "上城区湖滨街道办事处")
                dispatched = requests.post(
                    f"{base}/api/v1/tickets/{ticket['id']}/dispatch/",
                    json={"lead_unit": lead["code"]},
                    headers=dispatcher,
                    timeout=10,
                )
                assert dispatched.status_code == 200, dispatched.text
                detail = dispatched.json()
                at = dt.datetime.fromisoformat(detail["dispatched_at"])
                due = {d["clock"]: dt.datetime.fromisoformat(d["due_at"]) - at for d in detail["deadlines"]}
                results[urgency] = due
            assert results["emergency"]["sign"] == dt.timedelta(minutes=5)
            assert results["emergency"]["handle"] == dt.timedelta(hours=24)
            assert results["general"]["sign"] == dt.timedelta(hours=24)
            assert results["general"]["handle"] == dt.timedelta(days=7)

            leaks = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", LEAK_CHECK],
                cwd=ROOT,
                env={**env, "JURISDICTION": "hangzhou"},
                capture_output=True,
                text=True,
                check=True,
            )
            counts = json.loads(leaks.stdout.strip().splitlines()[-1])
            life = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", LIFE],
                cwd=ROOT,
                env={**env, "JURISDICTION": "hangzhou"},
                capture_output=True,
                text=True,
            )
            assert life.returncode == 0, life.stderr[-3000:]
            story = json.loads(life.stdout.strip().splitlines()[-1])
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(60)
    assert counts.pop("city") == ["330100"]
    assert counts.pop("streets") >= 191
    assert counts.pop("street_offices") == 191
    assert counts.pop("shangcheng") == 1_323_467  # the 2020 census, for the per-1,000 figures
    assert counts == {"regions": 0, "aliases": 0, "units": 0, "synonyms": 0, "policies": 0, "articles": 0}
    # the lifecycle, the sweep and the assessment on Hangzhou's data
    assert story["closed"] == "closed"
    assert {"warn", "overdue"} <= set(story["late_steps"])  # 5 minutes to sign for: 30 minutes later
    assert story["valid"] >= 1
    assert story["satisfaction"] is not None
    assert "Traceback" not in log.read_text()


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200
    except requests.RequestException:
        return False
