"""Exact decimal arithmetic for the rules, and numbers displayed so that they never contradict the verdict."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

# Enough digits that products of user-entered decimals and (1 + t)^3 are exact.
PRECISION = 60


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        return Decimal(value.strip().replace(",", ""))
    raise TypeError(f"not a number: {value!r}")


def dec(value) -> Decimal | None:
    """Coerce an input figure to Decimal (None stays None)."""
    if value is None:
        return None
    return to_decimal(value)


def plain(value: Decimal) -> str:
    """Decimal with thousands separators, no exponent, no trailing zeros."""
    value = to_decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def fmt_amount(value) -> str:
    """400000 -> '400,000 万元'."""
    return f"{plain(value)} 万元"


def _places(value: Decimal, minimum: int = 2) -> int:
    exponent = to_decimal(value).normalize().as_tuple().exponent
    return max(minimum, -exponent) if isinstance(exponent, int) else minimum


def fixed(value: Decimal, places: int, rounding=ROUND_HALF_UP) -> str:
    q = to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=rounding)
    return f"{q:,f}"


def fmt_pct(value) -> str:
    """70 -> '70.00%' (more decimals only when the value itself has them, e.g. a custom threshold)."""
    value = to_decimal(value)
    return f"{fixed(value, _places(value))}%"


def consistent(value: Decimal, threshold: Decimal, passed: bool) -> str:
    """Format a computed rate/ratio with 2 decimals, rounded so the shown number agrees with the verdict.

    A failing value is rounded down (69.996% shows as 69.99%, not 70.00%); a passing value is rounded half-up
    (a cube root computed as 9.99999…% for an exact 10% shows as 10.00%).  If 2 decimals still contradict the
    verdict (custom thresholds with more decimals), more decimals are shown.
    """
    start = _places(threshold)
    rounding = ROUND_HALF_UP if passed else ROUND_FLOOR
    for places in range(start, start + 7):
        q = value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
        if (q >= threshold) == passed:
            return f"{q:,f}"
    return fixed(value, start)


def cagr(base: Decimal, last: Decimal, years: int = 3) -> Decimal | None:
    """Compound annual growth rate as a fraction: (last ÷ base)^(1/years) − 1; 0.1 means 10%.

    None when a value is missing, base ≤ 0, last < 0 or years < 1.  When the ratio is an exact power (e.g.
    1.331 = 1.1³) the exact rate is returned (Decimal("0.1")), otherwise a 28-digit approximation.
    Decisions in :func:`evaluate` do not use this value; they compare ``last ≥ base × (1 + t)^years`` exactly.
    """
    base, last = dec(base), dec(last)
    if base is None or last is None or years < 1 or base <= 0 or last < 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ratio = last / base
        if ratio == 0:
            return Decimal(-1)
        root = ratio ** (Decimal(1) / Decimal(years))
        # Snap to an exact root when there is one (avoids 1.0999999… for 1.331).
        for digits in (20, 12, 8):
            candidate = root.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP).normalize()
            if candidate**years == ratio:
                root = candidate
                break
        rate = root - 1
    with localcontext() as ctx:
        ctx.prec = 28
        return +rate


def growth_target(base: Decimal, threshold_pct: Decimal, years: int = 3) -> Decimal:
    """Smallest last-year value that meets the growth threshold: base × (1 + t/100)^years, exact."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return base * (1 + threshold_pct / 100) ** years
