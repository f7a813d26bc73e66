"""Tickets in any state, reached through the real services (no state is forced into the database)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from django.contrib.auth.models import User

from dispatch.directory.models import Category, Region, Unit
from evaluation.choices import Satisfaction
from evaluation.services import callback_record
from orders import services
from orders.choices import TicketState
from orders.models import Ticket
from tests.cities import active_city

_phones = count(13800000000)


@dataclass
class Cast:
    """The people a ticket's life needs: an agent, a dispatcher, callback staff, the lead's handler."""

    make_user: Callable[..., User]
    lead_code: str = field(default_factory=lambda: active_city().street)
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str, unit_code: str = "HOTLINE") -> User:
        key = f"{role}@{unit_code}"
        if key not in self.users:
            self.users[key] = self.make_user(role, unit_code)
        return self.users[key]

    @property
    def agent(self) -> User:
        return self.user("agent")

    @property
    def dispatcher(self) -> User:
        return self.user("dispatcher")

    @property
    def callback(self) -> User:
        return self.user("callback")

    @property
    def handler(self) -> User:
        return self.user("handler", self.lead_code)

    def create(self, **overrides: Any) -> Ticket:
        city = active_city()  # Beijing's 望京 heating complaint, or the like in the run's city
        fields: dict[str, Any] = {
            "channel": "phone",
            "demand_type": "complaint",
            "category": Category.objects.get(code=city.category),
            "region": Region.objects.get(code=city.region),
            "content": city.content,
            "address": city.address,
            "caller_phone": str(next(_phones)),
            "caller_name": "张三",
        }
        fields.update(overrides)
        return services.ticket_create(by=self.agent, **fields).ticket

    def ticket_in(self, state: str, **overrides: Any) -> Ticket:
        """A ticket brought to ``state`` by the services, the way people would."""
        ticket = self.create(**overrides)
        if state == TicketState.RECEIVED:
            return ticket
        if state == TicketState.ANSWERED:
            return services.ticket_answer(ticket=ticket, by=self.agent, answer="已告知供暖报修电话。")
        if state == TicketState.REJECTED:
            return services.ticket_reject(ticket=ticket, by=self.agent, reason="emergency", transfer_to="110")
        if state == TicketState.MERGED:
            parent = self.create()
            return services.ticket_merge(ticket=ticket, by=self.dispatcher, parent=parent)
        lead = Unit.objects.get(code=self.lead_code)
        ticket = services.ticket_dispatch(ticket=ticket, by=self.dispatcher, lead_unit=lead)
        if state == TicketState.DISPATCHED:
            return ticket
        if state == TicketState.RETURN_REQUESTED:
            return services.ticket_request_return(
                ticket=ticket, by=self.handler, reason="function", note="属于供热企业职责"
            )
        ticket = services.ticket_accept(ticket=ticket, by=self.handler)
        if state == TicketState.ACCEPTED:
            return ticket
        if state == TicketState.ESCALATED:
            return services.ticket_escalate(ticket=ticket, by=self.handler, note="需要热力集团到场")
        ticket = services.ticket_reply(ticket=ticket, by=self.handler, result="已上门排气，室温恢复到20度。")
        if state == TicketState.HANDLED:
            return ticket
        if state == TicketState.CLOSED:
            callback_record(
                ticket=ticket,
                by=self.callback,
                reached=True,
                contacted=True,
                resolved=True,
                satisfaction=Satisfaction.SATISFIED,
            )
            ticket.refresh_from_db()
            return ticket
        raise ValueError(state)
