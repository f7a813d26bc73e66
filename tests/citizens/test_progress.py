"""The progress page's guards: the same answer for an unknown number and wrong digits, limits per
number and per address, form errors instead of a 500."""

from __future__ import annotations

import pytest
from django.test import Client

PHONE = "13512345678"


@pytest.mark.django_db
def test_guessing_is_cut_off(cast) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()  # the counters of earlier tests
    ticket = cast.create(caller_phone=PHONE)
    citizen = Client()
    answers = [
        citizen.post("/progress/", {"number": ticket.number, "last4": f"{n:04d}"}).status_code
        for n in range(12)
    ]
    assert answers[:10] == [200] * 10
    assert answers[10:] == [429, 429]
    # the right digits do not get through either, until the hour is over
    assert citizen.post("/progress/", {"number": ticket.number, "last4": "5678"}).status_code == 429
    assert citizen.post("/progress/", {"number": "", "last4": "12"}).status_code == 200  # form errors


@pytest.mark.django_db
def test_unknown_numbers_and_wrong_digits_look_alike(cast) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    ticket = cast.create(caller_phone=PHONE)
    citizen = Client()
    wrong = citizen.post("/progress/", {"number": ticket.number, "last4": "0000"})
    unknown = citizen.post("/progress/", {"number": "20990101000001", "last4": "5678"})
    assert wrong.context["error"] == unknown.context["error"]
    right = citizen.post("/progress/", {"number": ticket.number, "last4": "5678"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [s.step for s in right.context["steps"]] == ["received"]
    assert PHONE not in right.content.decode()
