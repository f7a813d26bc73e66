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
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(60)
    assert counts.pop("city") == ["330100"]
    assert counts.pop("streets") >= 191
    assert counts.pop("street_offices") == 191
    assert counts.pop("shangcheng") == 1_323_467  # the 2020 census, for the per-1,000 figures
    assert counts == {"regions": 0, "aliases": 0, "units": 0, "synonyms": 0, "policies": 0, "articles": 0}
    assert "Traceback" not in log.read_text()


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200
    except requests.RequestException:
        return False
