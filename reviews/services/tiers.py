"""The three review tiers before the province's decision: the county's and the city's opinions and the province's
formal review. Each records a frozen opinion (per Art. 6 condition) and moves the application on, back to the
applicant, or out. The city passes applications on by its recommendation document (`recommendations.py`)."""

from clusters import eligibility
from clusters import selectors as cluster_selectors
from clusters import services as cluster_services
from clusters.constants import ApplicationState
from core.exceptions import Conflict, ServiceError

from ..constants import FORMAL_CHECKS, Decision, RecommendationStatus, Tier
from ..models import ReviewOpinion

S = ApplicationState
TIER_STATE = {Tier.COUNTY: S.COUNTY_REVIEW, Tier.CITY: S.CITY_REVIEW, Tier.FORMAL: S.FORMAL_REVIEW}
PASS_METHOD = {Tier.COUNTY: ("county_pass", "county_pass"), Tier.FORMAL: ("formal_pass", "formal_pass")}


def _clean_conditions(conditions: dict) -> dict:
    valid = set(eligibility.RULE_CODES)
    cleaned = {}
    for code, value in (conditions or {}).items():
        if code not in valid:
            continue
        agree = value.get("agree")
        if agree is None:
            continue
        cleaned[code] = {"agree": bool(agree), "comment": (value.get("comment") or "").strip()[:1000]}
    return cleaned


def review_decide(
    *,
    application,
    actor,
    tier: str,
    decision: str,
    comment: str = "",
    conditions=None,
    checklist=None,
    expected_state=None,
):
    """Record a tier's opinion and move the application on, back to the applicant, or out (reject)."""
    tier = Tier(tier)
    decision = Decision(decision)
    comment = (comment or "").strip()
    conditions = _clean_conditions(conditions or {})
    checklist = {k: bool(v) for k, v in (checklist or {}).items() if k in dict(FORMAL_CHECKS)}
    if decision in (Decision.RETURN, Decision.REJECT) and not comment:
        raise ServiceError("退回或不予推荐时，请填写理由。", errors={"comment": ["请填写理由。"]})
    disagreed = [code for code, v in conditions.items() if not v["agree"] and not v["comment"]]
    if disagreed:
        raise ServiceError(
            "对不同意的条件请逐条说明理由：" + "、".join(disagreed),
            errors={f"cond_{c}_comment": ["请说明不同意的理由。"] for c in disagreed},
        )
    if decision == Decision.PASS:
        if tier == Tier.CITY:
            raise ServiceError("设区市通过推荐文件报送推荐，请在“推荐文件”中办理。")
        if tier == Tier.FORMAL:
            missing = [str(label) for key, label in FORMAL_CHECKS if not checklist.get(key)]
            if missing:
                raise ServiceError("形式审查清单未全部确认，不能通过：" + "；".join(missing))
    if decision == Decision.PASS:
        verb, method = PASS_METHOD[tier]
        kwargs = {}
    elif decision == Decision.RETURN:
        verb, method, kwargs = "return", "return_to_applicant", {"reason": comment}
    else:
        verb, method, kwargs = "reject", "reject", {}
    expected = expected_state or TIER_STATE[tier]
    written = []

    def record(locked):
        if locked.state != TIER_STATE[tier]:
            raise Conflict(f"该申报当前为“{locked.get_state_display()}”，不在{tier.label}环节。")
        last = locked.versions.order_by("-number").first()
        written.append(
            ReviewOpinion.objects.create(
                application=locked,
                tier=tier,
                reviewer=actor,
                version_number=last.number if last else 0,
                conditions=conditions,
                checklist=checklist,
                decision=decision,
                comment=comment,
            )
        )

    return cluster_services.application_transition(
        application=application,
        actor=actor,
        verb=verb,
        method=method,
        comment=comment or str(decision.label),
        expected_state=expected,
        before=record,
        freeze=lambda _locked: written[-1],
        **kwargs,
    )


def formal_checklist_suggestion(application) -> dict[str, bool]:
    """What the portal can check by itself; staff confirm each item."""
    full = cluster_selectors.application_with_sections(application.pk)
    status = cluster_selectors.section_status(full)
    return {
        "attachments": status["attachments"],
        "declarations": status["declarations"] and all(full.declarations.values()),
        "data": status["data"],
        "roster": status["roster"],
        "plan": status["management"],
        "recommendation": full.recommendations.filter(status=RecommendationStatus.SUBMITTED).exists(),
    }
