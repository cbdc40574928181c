"""Validators that know no app."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters from this alphabet (no I, O, Z, S, V); the last is a check character.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """The reason `value` is not a valid unified social credit code, or None when it is."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        return _("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}
    bad = [c for c in code if c not in CREDIT_CODE_CHARS]
    if bad:
        return _("统一社会信用代码含有不允许的字符“%(c)s”（不使用 I、O、Z、S、V）。") % {"c": bad[0]}
    if not code[2:8].isdigit():
        return _("统一社会信用代码第3至8位应为行政区划码（数字）。")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：第18位应为“%(e)s”，实为“%(a)s”，请核对。") % {
            "e": expected,
            "a": code[17],
        }
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="credit_code")


def mask_phone(value: str) -> str:
    """138****1234 for a mobile number; keeps only the ends of anything else."""
    v = (value or "").strip()
    if not v:
        return ""
    if "@" in v:
        name, _sep, domain = v.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(v) >= 7:
        return f"{v[:3]}****{v[-4:]}"
    return "*" * len(v)


# A mainland mobile (11 digits from 13–19, optionally +86), a landline with its area code (010, 025, 0512 … then
# 7–8 digits, an optional extension), or a 400/800 service number. Spaces and hyphens between groups are fine.
_PHONE_PATTERNS = (
    re.compile(r"^(?:\+?86)?1[3-9]\d{9}$"),
    re.compile(r"^0\d{2,3}\d{7,8}(?:(?:转|ext\.?|#|-)\d{1,6})?$"),
    re.compile(r"^[48]00\d{7}$"),
)
PHONE_MESSAGE = "请填写正确的电话号码：手机号为11位（如13812345678），固定电话须带区号（如025-83391234）。"


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", (value or "").strip())


def validate_phone(value: str) -> None:
    """Mobile or landline (with area code): a phone someone can actually be reached at."""
    v = normalise_phone(value)
    if not v:
        return
    compact = re.sub(r"(?<=\d)-(?=\d)", "", v)
    # Keep an extension's separator: "025-83391234-801" → "02583391234-801".
    candidates = {compact, re.sub(r"^(\d+)-(\d+)$", r"\1\2", v.replace(" ", ""))}
    parts = v.split("-")
    if len(parts) >= 3:
        candidates.add("".join(parts[:-1]) + "-" + parts[-1])
    if not any(p.match(c) for p in _PHONE_PATTERNS for c in candidates):
        raise ValidationError(PHONE_MESSAGE, code="phone")
