"""The engine's output: one RuleResult per rule code, with its outcome, numbers and Chinese verdict."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


class Outcome:
    PASS = "pass"
    FAIL = "fail"
    WARNING = "warning"
    JUDGMENT = "judgment"

    ALL = (PASS, FAIL, WARNING, JUDGMENT)
    LABELS = {PASS: "通过", FAIL: "未达标", WARNING: "提示", JUDGMENT: "需评审判断"}


HARD = "hard"
SOFT = "soft"
# Art. 7: a situation that occurred excludes the cluster (不予认定); no explanation can carry it.
ABSOLUTE = "absolute"


@dataclass
class RuleResult:
    code: str  # "1", "2a", ..., "9", "art7"
    title: str  # Chinese
    area: str  # Chinese area name of the Art. 6 item
    kind: str  # "hard", "soft" or "absolute" (Art. 7)
    outcome: str  # an Outcome value
    numbers: dict[str, str]  # Chinese label -> formatted value
    formula: str  # the rule in words
    message: str  # one-sentence Chinese verdict

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


RULE_CODES = (
    "1",
    "2a",
    "2b",
    "2c",
    "2d",
    "3",
    "4",
    "5a",
    "5b",
    "5c",
    "5d",
    "5e",
    "6a",
    "6b",
    "6c",
    "7",
    "8",
    "9",
    "art7",
)

AREA_1 = "（一）占地面积与主导产业"
AREA_2 = "（二）产业规模与结构"
AREA_3 = "（三）优质企业梯度培育"
AREA_4 = "（四）产业链协作"
AREA_5 = "（五）创新能力"
AREA_6 = "（六）数字化转型"
AREA_7 = "（七）绿色低碳"
AREA_8 = "（八）开放合作"
AREA_9 = "（九）治理与发展规划"
AREA_ART7 = "第七条 负面情形"


def make_result(code, title, area, kind, outcome, numbers, formula, message) -> RuleResult:
    return RuleResult(
        code=code, title=title, area=area, kind=kind, outcome=outcome, numbers=numbers, formula=formula, message=message
    )
