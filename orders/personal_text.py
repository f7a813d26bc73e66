"""Personal data typed into free text (pure): phone numbers, ID-card numbers and the caller's name.

Agents often write the caller's number or name into the demand ("请联系张先生13812345678"). Whoever
may not see the caller's contact details must not read them there either: ``redact`` masks them the
way the caller's own fields are masked (138****5678, 110105********1234, 张*), and says whether it
found any, so the original can be kept encrypted beside the masked text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Mobile numbers, with an optional +86/86 and spaces or dashes between the digits.
MOBILE = re.compile(r"(?<![\d])(?:\+?86[\s-]?)?(1[3-9]\d)(?:[\s-]?\d){4}((?:[\s-]?\d){4})(?![\d])")
# Landlines with an area code (010-12345678, 0755 1234567) …
LANDLINE = re.compile(r"(?<![\d])(0\d{2,3})[\s-]?\d{3,4}[\s-]?(\d{4})(?![\d])")
# … and local ones written with the dash or space of a phone number (6512-3456, 6512 3456).
LOCAL = re.compile(r"(?<![\d\-])([2-9]\d{3})[\s-](\d{4})(?![\d\-])")
# Resident ID numbers: region (6), birth date (8), sequence (3), check digit or X.
ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3}[\dXx])(?![0-9A-Za-z])"
)


def _name_mask(name: str) -> str:
    return name[0] + "*" * (len(name) - 1)


def redact(text: str, names: Iterable[str] = ()) -> tuple[str, bool]:
    """``text`` with phone numbers, ID numbers and the given names masked; and whether any were."""
    if not text:
        return text, False
    out = ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    out = MOBILE.sub(lambda m: f"{m.group(1)}****{re.sub(r'[^0-9]', '', m.group(2))}", out)
    out = LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", out)
    out = LOCAL.sub(lambda m: f"****{m.group(2)}", out)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = out.replace(name, _name_mask(name))
    return out, out != text
