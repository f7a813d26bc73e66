"""Callers' personal data: normalising, looking up, encrypting and masking phone numbers and names.

A phone number is stored twice: as a keyed hash (HMAC-SHA256 with ``PHONE_HASH_KEY``) so that the
agent's desk finds a caller's history by an exact match on an index, and encrypted (Fernet) so the
callback staff can dial it. Nobody can reverse the hash without the key; the ciphertext is useless
without ``FIELD_ENCRYPTION_KEYS``. Handlers only ever see the masked form (``138****0000``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dispatch.directory.jurisdiction import jurisdiction

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A two-digit area code (010, 020-029) with 8 digits, or a three-digit one (0 + 3 digits) with 7-8.
LANDLINE = re.compile(r"^(0[12]\d\d{8}|0[3-9]\d{2}\d{7,8})$")
SERVICE = re.compile(r"^(400|800)\d{7}$")


def phone_normalize(raw: str) -> str:
    """The canonical digits of a Chinese phone number, or ValidationError.

    Accepts ``+86``/``0086`` prefixes, spaces, dashes and brackets; a bare 7- or 8-digit number is a
    landline of the jurisdiction's own area code (the profile's ``phone_area_code``).
    """
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit():
        raise ValidationError(_("A phone number has only digits, spaces and dashes."), code="phone_invalid")
    if len(digits) in (7, 8) and digits[0] != "0":
        digits = jurisdiction().phone_area_code + digits
    if MOBILE.match(digits) or LANDLINE.match(digits) or SERVICE.match(digits):
        return digits
    raise ValidationError(
        _("“%(phone)s” is not a valid phone number."), code="phone_invalid", params={"phone": raw}
    )


def phone_hash(normalized: str) -> str:
    key = settings.PHONE_HASH_KEY.encode()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def phone_mask(normalized: str) -> str:
    """138****0000; the area code and the last four digits of a landline (010****1234)."""
    if MOBILE.match(normalized):
        return f"{normalized[:3]}****{normalized[-4:]}"
    area = 3 if normalized[:2] in ("01", "02") else 4
    return f"{normalized[:area]}****{normalized[-4:]}"


def name_mask(name: str) -> str:
    """张** for 张三丰; 欧阳** for 欧阳娜娜; a one-character name keeps only an asterisk."""
    name = name.strip()
    if not name:
        return ""
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * max(1, len(name) - keep)


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


# ------------------------------------------------------------ personal data typed into free text

POLITE_FORMS = ("先生", "女士", "老师", "师傅", "阿姨", "大爷", "大妈")


def caller_names(name: str) -> tuple[str, ...]:
    """The caller's name and the polite forms agents write instead (李先生, 李女士 …)."""
    name = name.strip()
    if len(name) < 2:
        return ()
    return (name, *(name[0] + title for title in POLITE_FORMS))


def text_protect(
    values: dict[str, str], names: tuple[str, ...], *, private: str = ""
) -> tuple[dict[str, str], str]:
    """Mask the personal data in ``values`` (field → text); the originals of the fields that held
    some go, encrypted, into the ``private`` token (merged with what it held before)."""
    from .personal_text import redact

    masked: dict[str, str] = {}
    originals = private_read(private)
    for field, text in values.items():
        masked[field], found = redact(text, names)
        if found:
            originals[field] = text
        else:
            originals.pop(field, None)
    return masked, (encrypt(json.dumps(originals, ensure_ascii=False)) if originals else "")


def private_read(token: str) -> dict[str, str]:
    return dict(json.loads(decrypt(token))) if token else {}


def originals_reveal(obj: object) -> object:
    """For agents and callback staff only: put back what was typed into a ticket's texts (content,
    address, answer, result) or an event's note, on this object in memory (never saved)."""
    if hasattr(obj, "note_private"):
        if obj.note_private:
            obj.note = private_read(obj.note_private).get("note", obj.note)  # type: ignore[attr-defined]
        return obj
    for field, text in private_read(getattr(obj, "private_text", "")).items():
        setattr(obj, field, text)
    return obj
