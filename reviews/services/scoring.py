"""The experts' score sheets: scores parsed and range-checked against the call's rubric, saved as a draft, and
submitted once (frozen). The ranking built from them is a read (`selectors.call_score_table`)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction

from clusters.constants import ApplicationState
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError

from ..constants import Recommend, SheetStatus
from ..models import ScoreSheet
from ..permissions import can_act_on_assignment
from ..selectors import expert_review_outstanding
from .experts import lock_own_assignment


def weighted_total(rubric, scores: dict) -> Decimal | None:
    """Σ score ÷ max points × weight: 0–100 when the weights sum to 100%; None until every criterion is scored."""
    total = Decimal("0")
    for criterion in rubric:
        value = scores.get(str(criterion.pk))
        if value in (None, ""):
            return None
        total += Decimal(str(value)) / criterion.max_points * criterion.weight
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_scores(rubric, scores: dict) -> tuple[dict, dict]:
    """({criterion id: score as a decimal string}, {form field: [error]}) — blanks are left out, not errors."""
    cleaned, errors = {}, {}
    for criterion in rubric:
        raw = scores.get(str(criterion.pk), scores.get(criterion.pk))
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors[f"score_{criterion.pk}"] = [f"“{criterion.name}”的得分应为数字。"]
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_points:
            errors[f"score_{criterion.pk}"] = [
                f"“{criterion.name}”的得分应在 0 至 {format(criterion.max_points.normalize(), 'f')} 之间。"
            ]
            continue
        cleaned[str(criterion.pk)] = str(value)
    return cleaned, errors


def require_expert_review_complete(applications, *, step: str) -> None:
    """Refuse `step` (the draw, a joint review decision) while any of these applications still has a score sheet
    outstanding on an active assignment, or none submitted; the refusal names them and the experts."""
    problems = expert_review_outstanding(applications)
    if problems:
        raise ServiceError(f"以下申报的专家评审尚未完成，不能{step}：" + "；".join(problems) + "。")


def _still_in_expert_review(assignment) -> None:
    application = assignment.application
    if application.state != ApplicationState.EXPERT_REVIEW:
        raise ServiceError(f"该申报已离开专家评审环节（当前为“{application.get_state_display()}”），不能再评分。")


def scoresheet_save(*, sheet, actor, scores: dict, comments=None, recommendation="", overall_comment="") -> ScoreSheet:
    """Save an expert's draft scores; out-of-range values are refused and nothing is changed."""
    with transaction.atomic():
        locked = ScoreSheet.objects.select_for_update().select_related("assignment").get(pk=sheet.pk)
        assignment = lock_own_assignment(locked.assignment, actor)
        if assignment.no_conflict_declared_at is None:
            raise NotAllowed("请先声明无利益冲突。")
        if locked.status != SheetStatus.DRAFT:
            raise Conflict("评分表已提交，不能修改。")
        _still_in_expert_review(assignment)
        rubric = list(assignment.application.call.rubric.all())
        cleaned, errors = parse_scores(rubric, scores or {})
        if recommendation and recommendation not in Recommend.values:
            errors["recommendation"] = ["请选择总体意见。"]
        if errors:
            raise ServiceError(f"有 {len(errors)} 处评分需要修改。", errors=errors)
        locked.scores = cleaned
        locked.comments = {str(k): (v or "").strip()[:2000] for k, v in (comments or {}).items() if (v or "").strip()}
        locked.recommendation = recommendation or ""
        locked.overall_comment = (overall_comment or "").strip()
        locked.weighted_total = weighted_total(rubric, cleaned)
        locked.save()
    return locked


def scoresheet_submit(*, sheet, actor) -> ScoreSheet:
    """Submit once: every criterion scored and an overall recommendation; read-only afterwards."""
    with transaction.atomic():
        locked = ScoreSheet.objects.select_for_update().select_related("assignment").get(pk=sheet.pk)
        assignment = lock_own_assignment(locked.assignment, actor)
        if locked.status != SheetStatus.DRAFT:
            raise Conflict("评分表已提交，不能重复提交。")
        _still_in_expert_review(assignment)
        rubric = list(assignment.application.call.rubric.all())
        # Every problem at once: each criterion left blank and the overall recommendation.
        missing = [c for c in rubric if locked.scores.get(str(c.pk)) in (None, "")]
        problems, errors = [], {}
        if missing:
            problems.append("以下评分项尚未打分：" + "、".join(c.name for c in missing))
            errors.update({f"score_{c.pk}": ["请打分。"] for c in missing})
        if not locked.recommendation:
            problems.append("请选择总体意见")
            errors["recommendation"] = ["请选择总体意见。"]
        if problems:
            raise ServiceError("评分表不能提交：" + "；".join(problems) + "。", errors=errors)
        total = weighted_total(rubric, locked.scores)

        def set_total(sheet):
            sheet.weighted_total = total

        return transitions.transition(
            locked,
            "submit",
            actor=actor,
            permission=lambda user, sheet: can_act_on_assignment(user, sheet.assignment),
            expected_state=SheetStatus.DRAFT,
            comment=f"加权总分 {total}",
            queryset=ScoreSheet.objects.select_related("assignment__expert"),
            before=set_total,
            freeze=True,
        )
