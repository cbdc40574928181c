"""The province's calls for applications: create a draft call, check its rubric, publish it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clusters import eligibility, permissions
from clusters.constants import CallStatus
from clusters.models import Call, RubricCriterion
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.transitions import validation_message

DEFAULT_RUBRIC = [
    ("产业规模与结构", "集群规模、中小企业占比、主导产业增速与占比（第六条第二项）", 20),
    ("优质企业梯度培育", "单项冠军、专精特新“小巨人”、专精特新中小企业、高新技术企业（第六条第三项）", 15),
    ("产业链协作与资源共享", "产业链布局、配套能力、制造资源共享（第六条第四项）", 10),
    ("协同创新能力", "创新平台、研发投入、发明专利、标准制定（第六条第五项）", 20),
    ("数字化转型", "上云上标识、工业互联网平台、试点示范（第六条第六项）", 10),
    ("绿色低碳发展", "碳排放强度、能效水效、绿色服务机制（第六条第七项）", 10),
    ("开放合作", "国际合作与交流（第六条第八项）", 5),
    ("治理与服务体系", "运营管理机构、公共服务体系、三年发展规划（第六条第九项）", 10),
]

# The county's recommendation opinion is not among them: it is what the county review produces in the portal
# (reviews' frozen ReviewOpinion, shown to the city and the province), not a file the applicant uploads first.
DEFAULT_REQUIREMENTS = [
    ("申报书（盖章扫描件）", "申报主体盖章的申报书", True),
    ("统计数据证明材料", "统计部门出具或认可的近四年产值等数据", True),
    ("企业资质证明", "单项冠军、专精特新、高新技术企业等证书复印件", False),
]


def call_create(
    *,
    actor,
    year,
    title,
    opens_at,
    closes_at,
    city_deadline,
    notice_text="",
    thresholds=None,
    experts_per_application=None,
) -> Call:
    """Create a draft call with the default rubric and attachment list (editable before publishing)."""
    if not permissions.can_manage_calls(actor):
        raise NotAllowed("只有省工业和信息化厅可以创建申报批次。")
    with transaction.atomic():
        call = Call(
            year=year,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            city_deadline=city_deadline,
            notice_text=notice_text,
            thresholds=(thresholds or eligibility.Thresholds()).to_dict(),
        )
        if experts_per_application is not None:
            # The call form offers this field; without the keyword the form's data raised TypeError.
            call.experts_per_application = experts_per_application
        try:
            call.full_clean(exclude=["status"])
        except ValidationError as exc:
            raise ServiceError(validation_message(exc), errors=exc.message_dict) from exc
        _check_call_dates(call)
        call.save()
        RubricCriterion.objects.bulk_create(
            RubricCriterion(call=call, name=n, description=d, weight=w, order=i)
            for i, (n, d, w) in enumerate(DEFAULT_RUBRIC)
        )
        call.requirements.model.objects.bulk_create(
            call.requirements.model(call=call, name=n, description=d, required=r, order=i)
            for i, (n, d, r) in enumerate(DEFAULT_REQUIREMENTS)
        )
    return call


def _check_call_dates(call):
    if call.closes_at <= call.opens_at:
        raise ServiceError("申报截止时间必须晚于开始时间。")
    if call.city_deadline < call.closes_at:
        raise ServiceError("设区市推荐截止时间不能早于申报截止时间。")


def call_check_rubric(call) -> None:
    criteria = list(call.rubric.all())
    if not criteria:
        raise ServiceError("评分细则不能为空。")
    total = sum((c.weight for c in criteria), start=0)
    if total != 100:
        raise ServiceError(f"评分细则的权重合计为 {total}%，应为 100%。")


def call_publish(*, call, actor, comment="") -> Call:
    """Publish a draft call: its dates, thresholds and rubric become binding."""

    def check(locked):
        _check_call_dates(locked)
        if locked.closes_at <= timezone.now():
            raise ServiceError("申报截止时间已过，不能发布；请先修改申报时间。")
        call_check_rubric(locked)
        try:
            eligibility.Thresholds.from_dict(locked.thresholds)
        except ValueError as exc:
            raise ServiceError(f"认定条件门槛有误：{exc}。") from exc

    if not permissions.can_manage_calls(actor):
        raise NotAllowed("只有省工业和信息化厅可以发布申报批次。")
    try:
        return transitions.transition(
            call,
            "publish",
            actor=actor,
            permission=lambda user, _call: permissions.can_manage_calls(user),
            expected_state=CallStatus.DRAFT,
            comment=comment,
            before=check,
        )
    except Conflict as exc:
        raise Conflict("该申报批次已发布。") from exc
