"""The review pages without a browser: a supervisor's verification queue, the assessor's reviews and
schemes, and the ticket page's first contact and exemption request."""

from __future__ import annotations

import pytest
from django.test import Client

from dispatch.directory.models import Category, Unit
from evaluation.models import Appeal, ExemptionRequest, Verification
from evaluation.services import appeal_file, exemption_request, proactive_ticket_create
from orders import services
from orders.choices import TicketState
from tests.evaluation.helpers import closed_with

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_supervisor_verifies_from_the_queue(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    supervisor = make_user("supervisor", "HOTLINE")
    ticket = proactive_ticket_create(
        by=supervisor,
        category=Category.objects.get(code="040101"),
        region=cast.create().region,
        content="巡查发现占道经营",
        lead_unit=Unit.objects.get(code="S110105026"),
    )
    services.ticket_accept(ticket=ticket, by=cast.handler)
    services.ticket_reply(ticket=ticket, by=cast.handler, result="已清理")
    assert signed_in(cast.callback).get("/callbacks/verify/").status_code == 403
    client = signed_in(supervisor)
    page = client.get("/callbacks/verify/")
    assert [t.pk for t in page.context["tickets"]] == [ticket.pk]
    assert "已清理" in page.content.decode()
    client.post("/callbacks/verify/", {"ticket": ticket.pk, "verified": "0", "note": ""})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLED  # sending back needs a note
    client.post("/callbacks/verify/", {"ticket": ticket.pk, "verified": "1", "note": "现场核实"})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED
    assert Verification.objects.get(ticket=ticket).verified is True
    # the callback queue never shows it
    assert ticket.pk not in [t.pk for t in signed_in(cast.callback).get("/callbacks/").context["tickets"]]


def test_the_assessor_decides_appeals_and_exemptions(cast, make_user) -> None:  # type: ignore[no-untyped-def]
    closed = closed_with(cast, contacted=True, resolved=False, satisfaction="unsatisfied")
    appeal = appeal_file(
        ticket=closed, by=cast.handler, reason="uncooperative", evidence="来电人拒绝配合上门"
    )
    open_ticket = cast.ticket_in(TicketState.DISPATCHED)
    request = exemption_request(
        ticket=open_ticket, by=cast.agent, reason="beyond_policy", note="要求超出政策"
    )
    assessor = make_user("assessor")
    assert signed_in(cast.handler).get("/assessment/reviews/").status_code == 403
    client = signed_in(assessor)
    page = client.get("/assessment/reviews/")
    html = page.content.decode()
    assert "来电人拒绝配合上门" in html
    assert "要求超出政策" in html
    client.post(f"/assessment/reviews/appeals/{appeal.pk}/", {"decision": "deny", "note": ""})
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"  # a denial needs its reason
    client.post(f"/assessment/reviews/appeals/{appeal.pk}/", {"decision": "approve", "note": "属实"})
    assert Appeal.objects.get(pk=appeal.pk).status == "approved"
    client.post(f"/assessment/reviews/exemptions/{request.pk}/", {"decision": "approve", "note": ""})
    open_ticket.refresh_from_db()
    assert ExemptionRequest.objects.get(pk=request.pk).status == "approved"
    assert open_ticket.assessment_exempt is True


def test_the_scheme_page_shows_every_option(make_user) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(make_user("assessor")).get("/assessment/schemes/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "不是官方考评办法" in html  # the seed says so plainly
    assert "吹哨报到及时率" in html or "whistle reports on time" in html
    groups = {row["scheme"].group for row in page.context["rows"]}
    assert {"street", "township", "district_department"} <= groups
    assert sum(1 for row in page.context["rows"] if row["in_force"]) == len(groups)


def test_the_ticket_page_records_the_first_contact(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.ACCEPTED)
    client = signed_in(cast.handler)
    assert client.get(f"/desk/tickets/{ticket.pk}/").context["contact"] is not None
    client.post(f"/desk/tickets/{ticket.pk}/first-contact/", {"at": "", "note": "电话联系，约定上门"})
    lead = ticket.assignments.get(role="lead")
    assert lead.first_contact_at is not None
    page = client.get(f"/desk/tickets/{ticket.pk}/")
    assert page.context["contact"] is None
    assert "first-contact-done" in page.content.decode()


def test_an_agent_proposes_an_exemption_from_the_ticket_page(cast) -> None:  # type: ignore[no-untyped-def]
    ticket = cast.ticket_in(TicketState.DISPATCHED)
    client = signed_in(cast.agent)
    assert 'id="exemption"' in client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    client.post(
        f"/assessment/exemptions/request/{ticket.pk}/", {"reason": "unreasonable", "note": "无理要求"}
    )
    assert ExemptionRequest.objects.get(ticket=ticket).status == "pending"
    assert (
        signed_in(cast.handler)
        .post(f"/assessment/exemptions/request/{ticket.pk}/", {"reason": "unreasonable", "note": "x"})
        .status_code
        == 403
    )
