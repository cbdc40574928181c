"""Validators that know no app."""

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
