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
