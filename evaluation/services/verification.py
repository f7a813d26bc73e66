"""核实: work without a caller (主动治理, media, referrals without contact) is not called back; a
supervisor checks the result — verified, the ticket closes; not, it goes back to the unit (重办).
It never enters the three rates; the verifications are proactive work's own indicators."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orders import clock
from orders import services as ticket_services
from orders.exceptions import TicketConflict
from orders.models import Ticket

from ..choices import EvaluationEventKind
from ..models import Verification


@transaction.atomic
def ticket_verify(*, ticket: Ticket | int, by: User, verified: bool, note: str = "") -> Verification:
    """Record a supervisor's verification of handled work without a caller, then close or rework."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    if Ticket.objects.filter(pk=pk, caller__isnull=False).exists():
        raise PermissionDenied(_("This ticket has a caller: callback staff call them back."))
    locked = ticket_services.ticket_check(ticket=pk, transition="close" if verified else "reopen", by=by)
    if not verified and not note.strip():
        raise ValidationError({"note": _("Say what is still wrong.")})
    if Verification.objects.filter(ticket=locked, round=locked.rework_count).exists():
        raise TicketConflict(_("This round is verified already."), code="verified")
    row = Verification.objects.create(
        ticket=locked,
        round=locked.rework_count,
        unit_id=locked.lead_unit_id,
        verified=verified,
        note=note.strip(),
        by=by,
        at=clock.now(),
    )
    ticket_services.ticket_event_add(
        ticket=locked,
        by=by,
        kind=EvaluationEventKind.VERIFICATION,
        note=note.strip(),
        payload={"verified": verified, "round": row.round},
        unit_id=locked.lead_unit_id,
    )
    if verified:
        ticket_services.ticket_close(ticket=locked, by=by, note=note, payload={"verified": True})
    else:
        ticket_services.ticket_reopen(ticket=locked, by=by, reason=note, payload={"verified": False})
    return row
