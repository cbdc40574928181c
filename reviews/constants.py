from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    COUNTY = "county", _("县级审核")
    CITY = "city", _("设区市初审")
    FORMAL = "formal", _("形式审查")


class Decision(models.TextChoices):
    PASS = "pass", _("通过")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予推荐")


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")


# The province's completeness checklist in formal review (形式审查).
FORMAL_CHECKS = [
    ("attachments", _("申报通知要求的材料齐全")),
    ("declarations", _("第七条四项承诺均已声明")),
    ("data", _("近四年经济数据完整")),
    ("roster", _("企业名册完整，统一社会信用代码有效")),
    ("plan", _("三年发展规划（含可考核目标和规划文本）齐全")),
    ("recommendation", _("设区市推荐文件已报送")),
]


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")


class ConflictStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    WITHDRAWN = "withdrawn", _("已撤回")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("未提交")
    SUBMITTED = "submitted", _("已提交")


class Recommend(models.TextChoices):
    RECOMMEND = "recommend", _("建议认定")
    CONDITIONAL = "conditional", _("有条件建议认定")
    NOT = "not", _("不建议认定")


class CheckResult(models.TextChoices):
    PASS = "pass", _("核查属实")
    FAIL = "fail", _("核查不符")


class MeetingStatus(models.TextChoices):
    OPEN = "open", _("会审中")
    CLOSED = "closed", _("已形成拟认定名单")


class JointDecisionChoice(models.TextChoices):
    APPROVE = "approve", _("同意列入拟认定名单")
    REJECT = "reject", _("不予认定")


# Conflict-of-interest rules (domain.md): the refusal names the rule.
class ConflictRule(models.TextChoices):
    SAME_CITY = "same_city", _("专家与集群同属一个设区市")
    SAME_EMPLOYER = "same_employer", _("专家工作单位是申报主体")
    ROSTER_EMPLOYER = "roster_employer", _("专家工作单位是集群名册中的企业")
    DECLARED = "declared", _("专家已声明存在利益冲突")
    INACTIVE = "inactive", _("专家未启用")
    CAP = "cap", _("专家评审任务已达上限")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("公示中")
    CLOSED = "closed", _("公示期满")
    CONCLUDED = "concluded", _("已公布名单")


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")
