"""好差评 (service ratings): which closed matters an applicant may rate, rating, answering, summaries.

Apps register what counts as a closed matter for the applicant (a log row of one of their models reaching one
of the given states) and who may rate it; core stores one rating per log row and shows the province the
ratings per step and per authority. A bad rating (不满意 or 非常不满意) is a to-do for the rated authority's
users until one of them answers.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from .exceptions import NotAllowed, ServiceError
from .models import RatingScore, ServiceRating, TransitionLog


@dataclass
class Ratable:
    model_label: str  # "clusters.application"
    states: dict  # to_state -> the step's name shown ("认定", "退回修改"…)
    may_rate: object  # (user, obj) -> bool, the object's owner
    from_states: tuple = ()  # when set, the row's from_state must be one of these (a return, not a creation)


_RATABLE: dict[str, Ratable] = {}


def register(model_label: str, states: dict, may_rate, from_states=()) -> None:
    _RATABLE[model_label] = Ratable(model_label, states, may_rate, tuple(from_states))


def _spec(row) -> Ratable | None:
    spec = _RATABLE.get(f"{row.content_type.app_label}.{row.content_type.model}")
    if spec is None or row.to_state not in spec.states:
        return None
    if spec.from_states and row.from_state not in spec.from_states:
        return None
    return spec


def can_rate(user, row) -> bool:
    spec = _spec(row)
    if spec is None or not (user.is_authenticated and user.is_active):
        return False
    obj = row.content_type.get_object_for_this_type(pk=row.object_id)
    return bool(spec.may_rate(user, obj))


def step_label(row) -> str:
    spec = _spec(row)
    return str(spec.states[row.to_state]) if spec else row.transition


def ratable_rows_for(obj, user):
    """The log rows of `obj` the user may rate and has not rated yet (newest first)."""
    spec = _RATABLE.get(obj._meta.label_lower)
    if spec is None or not spec.may_rate(user, obj):
        return []
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    rows = TransitionLog.objects.filter(
        content_type=ct, object_id=str(obj.pk), to_state__in=list(spec.states), rating__isnull=True
    ).order_by("-id")
    return [r for r in rows if not spec.from_states or r.from_state in spec.from_states]


def rate_links(obj, user) -> list[dict]:
    """What the object's page offers the user to rate: [{"id", "label", "at"}] (the include
    includes/rate_links.html shows them)."""
    spec = _RATABLE.get(obj._meta.label_lower)
    return [
        {"id": r.pk, "label": str(spec.states[r.to_state]), "at": r.created_at} for r in ratable_rows_for(obj, user)
    ]


def rating_create(*, row, actor, score, comment="") -> ServiceRating:
    """Rate one closed matter once."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ServiceError("请选择评价等级。", errors={"score": ["请选择评价等级。"]}) from None
    if score not in RatingScore.values:
        raise ServiceError("请选择评价等级。", errors={"score": ["请选择评价等级。"]})
    if not can_rate(actor, row):
        raise NotAllowed("该办理事项不能由您评价。")
    comment = (comment or "").strip()
    if score <= RatingScore.POOR and not comment:
        raise ServiceError("请说明不满意的原因，以便办理部门改进。", errors={"comment": ["请说明不满意的原因。"]})
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                log=row, rater=actor, rated_user=row.actor, score=score, comment=comment[:500]
            )
            if rating.is_bad and row.actor_id:
                from django.contrib.auth import get_user_model

                from .services import notify

                org_id = getattr(row.actor, "organisation_id", None)
                same_org = (
                    get_user_model().objects.filter(is_active=True, organisation_id=org_id) if org_id else [row.actor]
                )
                notify(
                    recipients=list(same_org),
                    title=f"收到差评：{row.object_repr}（{step_label(row)}）",
                    body=f"评价：{rating.get_score_display()}。{comment}\n请在“办事评价”中答复。",
                    url="/ratings/answers/",
                )
    except IntegrityError:
        raise ServiceError("该办理事项已评价过。") from None
    return rating


def _authority_q(user) -> Q:
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if getattr(user, "organisation_id", None):
        return Q(rated_user__organisation_id=user.organisation_id)
    return Q(rated_user=user)


def bad_ratings_to_answer(user):
    """Bad ratings of steps taken by the user's own authority, not answered yet."""
    return (
        ServiceRating.objects.filter(_authority_q(user), score__lte=RatingScore.POOR, answered_at__isnull=True)
        .select_related("log", "rater")
        .order_by("created_at")
    )


def rating_answer(*, rating, actor, answer) -> ServiceRating:
    """The rated authority answers a bad rating (once); the rater is told."""
    answer = (answer or "").strip()
    if not answer:
        raise ServiceError("请填写答复内容。", errors={"answer": ["请填写答复内容。"]})
    with transaction.atomic():
        locked = ServiceRating.objects.select_for_update().select_related("log").get(pk=rating.pk)
        if not ServiceRating.objects.filter(_authority_q(actor), pk=locked.pk).exists():
            raise NotAllowed("只有办理该事项的部门可以答复。")
        if locked.answered_at is not None:
            raise ServiceError("该评价已答复。")
        locked.answer = answer[:1000]
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        from .services import notify

        notify(
            recipients=[locked.rater],
            title=f"您的评价已获答复：{locked.log.object_repr}",
            body=answer,
        )
    return locked


def summary():
    """Ratings per step (transition) and per authority (the rated user's organisation): count, mean, bad."""
    base = ServiceRating.objects.all()
    per_step = (
        base.values("log__transition", "log__to_state")
        .annotate(n=Count("id"), mean=Avg("score"), bad=Count("id", filter=Q(score__lte=RatingScore.POOR)))
        .order_by("log__transition")
    )
    per_authority = (
        base.values("rated_user__organisation__name")
        .annotate(
            n=Count("id"),
            mean=Avg("score"),
            bad=Count("id", filter=Q(score__lte=RatingScore.POOR)),
            unanswered=Count("id", filter=Q(score__lte=RatingScore.POOR, answered_at__isnull=True)),
        )
        .order_by("-bad", "rated_user__organisation__name")
    )
    return list(per_step), list(per_authority)
