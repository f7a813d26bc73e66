"""The ticket state machine as a Mermaid diagram, generated from the @transition declarations."""

from __future__ import annotations

from django_fsm import FSMField

from .choices import TicketState
from .models import Ticket

TERMINAL_NOTE = {TicketState.ANSWERED, TicketState.REJECTED, TicketState.MERGED, TicketState.CLOSED}


def lifecycle_mermaid() -> str:
    field = next(f for f in Ticket._meta.fields if isinstance(f, FSMField))
    edges: list[tuple[str, str, str]] = []
    for transition in field.get_all_transitions(Ticket):
        edges.append((str(transition.source), str(transition.target), transition.name))
    lines = ["stateDiagram-v2", f"    [*] --> {TicketState.RECEIVED.value}: create"]
    for source, target, name in sorted(edges):
        lines.append(f"    {source} --> {target}: {name}")
    for state in sorted(TERMINAL_NOTE):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"
