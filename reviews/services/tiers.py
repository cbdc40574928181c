"""The three review tiers before the province's decision: the county's and the city's opinions and the province's
formal review. Each records a frozen opinion (per Art. 6 condition) and moves the application on, back to the
applicant, or out. The city passes applications on by its recommendation document (`recommendations.py`)."""

from clusters import selectors as cluster_selectors
from clusters import services as cluster_services
from clusters.constants import ApplicationState
from core.exceptions import Conflict, ServiceError

from ..constants import FORMAL_CHECKS, Decision, Tier
from ..models import ReviewOpinion

S = ApplicationState
TIER_STATE = {Tier.COUNTY: S.COUNTY_REVIEW, Tier.CITY: S.CITY_REVIEW, Tier.FORMAL: S.FORMAL_REVIEW}
PASS_METHOD = {Tier.COUNTY: ("county_pass", "county_pass"), Tier.FORMAL: ("formal_pass", "formal_pass")}


def _clean_conditions(conditions: dict) -> dict:
    valid = set(cluster_selectors.CONDITION_CODES)
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
    agree_all: bool = False,
):
    """Record a tier's opinion and move the application on, back to the applicant, or out (reject). Every
    condition needs an opinion; `agree_all` ("全部同意") agrees with every condition not given one."""
    tier = Tier(tier)
    decision = Decision(decision)
    comment = (comment or "").strip()
    # Who may act, on which state, before what the form lacks (the transition checks both again, locked).
    early_verb = {Decision.RETURN: "return", Decision.REJECT: "reject"}.get(decision) or PASS_METHOD.get(tier, ("",))[0]
    if early_verb:
        cluster_services.application_transition_check(
            application=application, actor=actor, verb=early_verb, expected_state=expected_state or TIER_STATE[tier]
        )
    conditions = _clean_conditions(conditions or {})
    if agree_all:
        for code in cluster_selectors.CONDITION_CODES:
            conditions.setdefault(code, {"agree": True, "comment": ""})
    checklist = {k: bool(v) for k, v in (checklist or {}).items() if k in dict(FORMAL_CHECKS)}
    if decision == Decision.PASS and tier == Tier.CITY:
        raise ServiceError("设区市通过推荐文件报送推荐，请在“推荐文件”中办理。")
    # Every problem at once. A pass needs an opinion on every condition, any disagreement its reason, and (formal
    # review) the whole checklist; a return or a refusal needs its reason and names what it disagrees with.
    parts, errors = [], {}
    if decision in (Decision.RETURN, Decision.REJECT) and not comment:
        parts.append("退回或不予推荐时，请填写理由")
        errors["comment"] = ["请填写理由。"]
    if decision == Decision.PASS and tier == Tier.FORMAL:
        unchecked = [(key, str(label)) for key, label in FORMAL_CHECKS if not checklist.get(key)]
        if unchecked:
            parts.append("形式审查清单未全部确认，不能通过：" + "；".join(label for _k, label in unchecked))
            errors.update({f"check_{key}": ["请确认该项。"] for key, _label in unchecked})
    missing = (
        [code for code in cluster_selectors.CONDITION_CODES if code not in conditions]
        if decision == Decision.PASS
        else []
    )
    if missing:
        parts.append("以下条件尚未表态（同意或不同意）：" + "、".join(missing))
        errors.update({f"cond_{c}": ["请对该条件表态（同意或不同意）。"] for c in missing})
    disagreed = [code for code, v in conditions.items() if not v["agree"] and not v["comment"]]
    if disagreed:
        parts.append("对不同意的条件请逐条说明理由：" + "、".join(disagreed))
        errors.update({f"cond_{c}_comment": ["请说明不同意的理由。"] for c in disagreed})
    if parts:
        raise ServiceError("；".join(parts) + "。", errors=errors)
    if decision == Decision.PASS:
        verb, method = PASS_METHOD[tier]
        kwargs = {}
    elif decision == Decision.RETURN:
        # The applicant sees each disagreement beside the section it concerns (clusters.conditions).
        titles = cluster_selectors.condition_titles()
        opinions = {
            code: {"title": titles.get(code, code), "comment": v["comment"], "tier": str(tier.label)}
            for code, v in conditions.items()
            if not v["agree"]
        }
        verb, method, kwargs = "return", "return_to_applicant", {"reason": comment, "opinions": opinions}
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
    """What the portal can check by itself; staff confirm each item (`selectors.formal_checklist_for` on the
    application loaded with every section)."""
    from ..selectors import formal_checklist_for

    return formal_checklist_for(cluster_selectors.application_with_sections(application.pk))
