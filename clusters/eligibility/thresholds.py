"""A call's thresholds (the measures' defaults unless the province changes them for a year)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .decimals import to_decimal


@dataclass
class Thresholds:
    """A Call's thresholds.  Defaults are those of the measures; percentages are percent values (70 = 70%)."""

    max_area_km2: Decimal = Decimal("100")
    min_total_output: Decimal = Decimal("400000")  # 万元 (40亿元)
    min_sme_share_pct: Decimal = Decimal("70")
    min_lead_growth_pct: Decimal = Decimal("10")
    min_lead_share_pct: Decimal = Decimal("70")
    min_champion_giant: int = 3
    min_specialised_hightech: int = 15
    min_sharing_initiatives: int = 1
    min_platforms: int = 5
    min_rnd_growth_pct: Decimal = Decimal("10")
    min_patent_growth_pct: Decimal = Decimal("15")
    min_patents_per_10k_employees: Decimal = Decimal("15")
    min_standards: int = 3
    min_cloud_share_pct: Decimal = Decimal("30")
    min_platform_penetration_pct: Decimal = Decimal("20")
    min_pilot_projects: int = 1
    min_international: int = 1

    def to_dict(self) -> dict:
        """JSON-safe: Decimals as strings, counts as ints."""
        out: dict = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Decimal) else value
        return out

    @classmethod
    def from_dict(cls, data: dict | None) -> Thresholds:
        """Build from stored JSON.  Missing keys (or None/"" values) take defaults; unknown keys are ignored.

        Values may be Decimal, str, int or float.  Raises ValueError naming the key for a value that is not a
        number (or, for a count, not a whole number).
        """
        defaults = cls()
        kwargs = {}
        for f in dataclasses.fields(cls):
            raw = (data or {}).get(f.name)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                kwargs[f.name] = getattr(defaults, f.name)
                continue
            try:
                number = to_decimal(raw)
            except (InvalidOperation, ValueError, TypeError) as exc:
                raise ValueError(f"门槛 {f.name} 的值 {raw!r} 不是数字") from exc
            if not number.is_finite():
                raise ValueError(f"门槛 {f.name} 的值 {raw!r} 不是有限数字")
            if isinstance(getattr(defaults, f.name), int):
                if number != number.to_integral_value():
                    raise ValueError(f"门槛 {f.name} 的值 {raw!r} 应为整数")
                kwargs[f.name] = int(number)
            else:
                kwargs[f.name] = number
        return cls(**kwargs)
