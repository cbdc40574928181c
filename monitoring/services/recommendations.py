"""The national recommendation (择优推荐申报国家级中小企业特色产业集群, Art. 13): province staff open the year's
recommendation, select certified clusters with a reason (each selection and removal logged on the recommendation),
and ask for the package, which a Celery task assembles (services.recommendation_package)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters.models import Certification
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import enqueue
from monitoring import permissions
from monitoring.constants import RecommendationState
from monitoring.models import NationalRecommendation, RecommendationItem

S = RecommendationState


def recommendation_open(*, actor, year: int, note: str = "") -> NationalRecommendation:
    """Open the year's recommendation (one per year); opening it again returns the existing one."""
    if not permissions.can_manage_programme(actor):
        raise NotAllowed("只有省工业和信息化厅可以推荐申报国家级集群。")
    if not 2023 <= int(year) <= 2100:
        raise ServiceError("请填写有效的推荐年度。", errors={"year": ["请填写有效的推荐年度。"]})
    with transaction.atomic():
        existing = NationalRecommendation.objects.filter(year=year).first()
        if existing is not None:
            return existing
        rec = NationalRecommendation.objects.create(year=year, note=(note or "").strip(), created_by=actor)
        transitions.record_event(rec, "open", actor=actor, to_state=S.DRAFT, comment=rec.note)
    return rec


def _reopen_if_packaged(rec, actor) -> NationalRecommendation:
    """A change to the selection makes a generated (or failed) package out of date: back to selecting."""
    if rec.state in (S.READY, S.FAILED):
        return transitions.transition(
            rec,
            "reopen",
            actor=actor,
            permission=permissions.can_edit_recommendation,
            expected_state=[S.READY, S.FAILED],
            comment="调整推荐名单，原推荐材料作废",
        )
    return rec


def _locked(recommendation, actor) -> NationalRecommendation:
    rec = NationalRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not permissions.can_edit_recommendation(actor, rec):
        if permissions.is_province(actor):
            raise Conflict("推荐材料正在生成，请生成完成后再调整推荐名单。")
        raise NotAllowed("只有省工业和信息化厅可以调整推荐名单。")
    return rec


def recommendation_add(*, actor, recommendation, certification, reason: str) -> RecommendationItem:
    """Select a certified cluster (its certification in force) for the year's recommendation, with the reason."""
    reason = (reason or "").strip()
    errors = {}
    if len(reason) < 5:
        errors["reason"] = ["请填写推荐理由（至少5个字）。"]
    if certification is None:
        errors["certification"] = ["请选择认定集群。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    try:
        with transaction.atomic():
            rec = _reopen_if_packaged(_locked(recommendation, actor), actor)
            cert = Certification.objects.select_related("cluster").get(pk=certification.pk)
            if cert.status not in permissions.ACTIVE_CERTIFICATION_STATES:
                raise ServiceError(
                    f"该集群的认定状态为“{cert.get_status_display()}”，只能推荐有效期内的认定集群。",
                    errors={"certification": ["认定不在有效期内。"]},
                )
            item = RecommendationItem.objects.create(
                recommendation=rec, cluster=cert.cluster, certification=cert, reason=reason, added_by=actor
            )
            transitions.record_event(
                rec,
                "select",
                actor=actor,
                from_state=rec.state,
                to_state=rec.state,
                comment=f"选入：{cert.cluster.name}（{cert.number}）。推荐理由：{reason}"[:1000],
            )
    except IntegrityError:
        raise ServiceError(
            f"{certification.cluster.name}已在{recommendation.year}年度推荐名单中。",
            errors={"certification": ["已在推荐名单中。"]},
        ) from None
    return item


def recommendation_remove(*, actor, item, reason: str = "") -> RecommendationItem:
    """Take a cluster off the selection (the row stays, with who and when)."""
    with transaction.atomic():
        rec = _reopen_if_packaged(_locked(item.recommendation, actor), actor)
        locked = RecommendationItem.objects.select_for_update().select_related("cluster").get(pk=item.pk)
        if locked.removed_at is not None:
            raise Conflict("该集群已移出推荐名单。")
        locked.removed_at, locked.removed_by = timezone.now(), actor
        locked.save(update_fields=["removed_at", "removed_by"])
        transitions.record_event(
            rec,
            "deselect",
            actor=actor,
            from_state=rec.state,
            to_state=rec.state,
            comment=f"移出：{locked.cluster.name}{'。' + reason.strip() if reason and reason.strip() else ''}"[:1000],
        )
    return locked


def active_items(recommendation):
    from monitoring import selectors

    return selectors.recommendation_items(recommendation)


def recommendation_assemble(*, actor, recommendation) -> NationalRecommendation:
    """Ask for the package: the recommendation goes to "generating" and the task is queued after commit. The web
    request never renders it."""
    if permissions.is_province(actor) and not permissions.can_assemble_recommendation(actor, recommendation):
        raise Conflict("推荐材料正在生成，请稍后刷新页面。")
    n = active_items(recommendation).count()
    if not n:
        raise ServiceError("推荐名单为空，请先选入集群。")
    rec = transitions.transition(
        recommendation,
        "assemble",
        actor=actor,
        permission=permissions.can_assemble_recommendation,
        comment=f"生成推荐材料（{n}个集群）",
        args={"by": actor},
        denied_message="只有省工业和信息化厅可以生成推荐材料；材料正在生成时请稍后刷新页面。",
    )
    enqueue("monitoring.tasks.build_recommendation_package", rec.pk, rec.generation)
    return rec
