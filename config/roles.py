"""Roles (Django groups) and the permissions each one carries.

A user's role says *what* they may do (these permissions); their ``dispatch.Membership`` says
*where* (which unit's tickets). The groups are re-synced after every ``migrate`` so that a new
permission reaches its roles without a manual step.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from dispatch.directory.access_cache import access_changed_for_everyone
from dispatch.directory.choices import MembershipRole

REFERENCE_VIEW = [
    "dispatch.view_whistle",
    "dispatch.view_whistlesummons",
    "dispatch.view_region",
    "dispatch.view_regionalias",
    "dispatch.view_regioncodehistory",
    "dispatch.view_unit",
    "dispatch.view_category",
    "dispatch.view_catalogentry",
    "dispatch.view_catalogassist",
]
CATALOG_EDIT = [
    "dispatch.add_catalogentry",
    "dispatch.change_catalogentry",
    "dispatch.add_catalogassist",
    "dispatch.change_catalogassist",
    "dispatch.delete_catalogassist",
    "dispatch.change_category",
]
DIRECTORY_EDIT = [
    "dispatch.change_region",
    "dispatch.add_regionalias",
    "dispatch.change_regionalias",
    "dispatch.add_unit",
    "dispatch.change_unit",
    "dispatch.view_membership",
    "dispatch.add_membership",
    "dispatch.change_membership",
    "dispatch.add_category",
]

TICKET_VIEW = [
    "orders.view_notice",
    "orders.view_extensionrequest",
    "orders.view_ticket",
    "orders.view_ticketevent",
    "orders.view_assignment",
    "orders.view_returnrequest",
]
SEE_ALL = ["orders.view_all_tickets"]

SLA_EDIT = [
    "orders.view_slapolicy",
    "orders.add_slapolicy",
    "orders.change_slapolicy",
    "orders.view_slatier",
    "orders.add_slatier",
    "orders.change_slatier",
    "orders.delete_slatier",
    "orders.view_calendaryear",
    "orders.add_calendaryear",
    "orders.change_calendaryear",
    "orders.view_calendarday",
    "orders.add_calendarday",
    "orders.change_calendarday",
    "orders.delete_calendarday",
]

KNOWLEDGE_EDIT = [
    "hotline.view_article",
    "hotline.add_article",
    "hotline.change_article",
    "hotline.view_articleversion",
    "hotline.view_sensitiverule",
    "hotline.add_sensitiverule",
    "hotline.change_sensitiverule",
]

ASSESSMENT = [
    "evaluation.view_callback",
    "evaluation.view_callbackattempt",
    "evaluation.view_appeal",
    "evaluation.decide_appeal",
    "orders.set_assessment_exempt",
    "evaluation.view_exemptionrequest",
    "evaluation.view_verification",
    "evaluation.view_periodscore",
    "evaluation.view_assessmentscheme",
    "evaluation.add_assessmentscheme",
    "evaluation.change_assessmentscheme",
    "evaluation.view_earlywarning",
    "evaluation.handle_earlywarning",
    "evaluation.view_monthlytopic",
    "evaluation.adopt_monthlytopic",
    "orders.create_proactive_ticket",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    MembershipRole.AGENT: [
        *REFERENCE_VIEW,
        *TICKET_VIEW,
        *SEE_ALL,
        "orders.create_ticket",
        "orders.answer_ticket",
        "orders.reject_ticket",
        "orders.merge_ticket",  # 并单 at intake, when the desk suggests the same open problem
        "evaluation.request_exemption",  # 申请不纳入考评 (an assessor decides)
        "orders.view_caller_contact",
        "hotline.view_article",
        "hotline.view_callerflag",
    ],
    MembershipRole.DISPATCHER: [
        *REFERENCE_VIEW,
        *CATALOG_EDIT,
        *TICKET_VIEW,
        *SEE_ALL,
        "orders.dispatch_ticket",
        "orders.reassign_ticket",
        "orders.decide_return_ticket",
        "dispatch.view_autodispatchfailure",
        "orders.reject_ticket",
        "orders.merge_ticket",
        "orders.answer_ticket",
        "orders.decide_extension",
        "evaluation.request_exemption",
        *KNOWLEDGE_EDIT,
        "hotline.view_callerflag",
        "hotline.review_callerflag",
    ],
    MembershipRole.HANDLER: [
        *REFERENCE_VIEW,
        *TICKET_VIEW,
        "orders.accept_ticket",
        "orders.request_return_ticket",
        "orders.whistle_ticket",
        "orders.reply_ticket",
        "dispatch.report_whistle",
        "orders.request_extension",
        "evaluation.file_appeal",
        "evaluation.view_appeal",
    ],
    MembershipRole.CALLBACK: [
        *REFERENCE_VIEW,
        *TICKET_VIEW,
        *SEE_ALL,
        "orders.close_ticket",
        "orders.reopen_ticket",
        "orders.view_caller_contact",
        "evaluation.view_callback",
        "evaluation.add_callback",
        "evaluation.view_callbackattempt",
        "hotline.view_article",
    ],
    # A supervisor's scope is the units under their own (all of them at the hotline centre).
    MembershipRole.SUPERVISOR: [
        *REFERENCE_VIEW,
        *TICKET_VIEW,
        "orders.reassign_ticket",
        "orders.decide_extension",
        "evaluation.view_appeal",
        "hotline.view_callerflag",
        "hotline.review_callerflag",
        "evaluation.view_earlywarning",
        "evaluation.handle_earlywarning",
        "evaluation.view_monthlytopic",
        "orders.create_proactive_ticket",
        "orders.verify_ticket",  # 核实 handled proactive work (no caller to call back)
    ],
    MembershipRole.ASSESSOR: [
        *REFERENCE_VIEW,
        *CATALOG_EDIT,
        *DIRECTORY_EDIT,
        *TICKET_VIEW,
        *SEE_ALL,
        *SLA_EDIT,
        *ASSESSMENT,
        *KNOWLEDGE_EDIT,
    ],
}


def role_permissions(role: str) -> list[str]:
    return ROLE_PERMISSIONS[role]


def roles_sync(*, using: str = "default") -> None:
    """Make each role group hold exactly its permissions. Permissions not yet created are skipped."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            permission = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
    access_changed_for_everyone()
