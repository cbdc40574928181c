from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    COUNTY_REVIEW = "county_review", _("县级审核")
    CITY_REVIEW = "city_review", _("设区市初审")
    FORMAL_REVIEW = "formal_review", _("形式审查")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    SITE_CHECK = "site_check", _("实地抽查")
    JOINT_REVIEW = "joint_review", _("会审报批")
    PUBLIC_NOTICE = "public_notice", _("公示中")
    CERTIFIED = "certified", _("已认定")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


REVIEW_STATES = [
    ApplicationState.COUNTY_REVIEW,
    ApplicationState.CITY_REVIEW,
    ApplicationState.FORMAL_REVIEW,
    ApplicationState.EXPERT_REVIEW,
    ApplicationState.SITE_CHECK,
    ApplicationState.JOINT_REVIEW,
    ApplicationState.PUBLIC_NOTICE,
]
RETURNABLE_STATES = [ApplicationState.COUNTY_REVIEW, ApplicationState.CITY_REVIEW, ApplicationState.FORMAL_REVIEW]
WITHDRAWABLE_STATES = [ApplicationState.DRAFT, ApplicationState.COUNTY_REVIEW, ApplicationState.CITY_REVIEW]
# An application in one of these states occupies its cluster's place in the call.
OPEN_STATES = [s for s in ApplicationState if s != ApplicationState.WITHDRAWN]


class TagKind(models.TextChoices):
    ADVANCED_CLUSTER = "advanced_cluster", _("16个先进制造业集群")
    KEY_CHAIN = "key_chain", _("50条重点产业链")


class ListKind(models.TextChoices):
    PLATFORM = "platform", _("省级及以上创新平台")
    STANDARD = "standard", _("参与制定的国家或行业标准")
    SHARING = "sharing", _("制造资源共享工作")
    PILOT = "pilot", _("智能制造/工业互联网试点示范项目")
    INTERNATIONAL = "international", _("国际合作与交流活动")


class PlatformLevel(models.TextChoices):
    """The level of a platform, standard or pilot project: what Art. 6(5)/(6) count depends on it."""

    NATIONAL = "national", _("国家级")
    INDUSTRY = "industry", _("行业级（行业标准）")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    OTHER = "other", _("其他")


# Which levels count for which kind (Art. 6(5): 省级及以上创新平台, 国家标准、行业标准; Art. 6(6): 省级以上试点示范).
COUNTED_LEVELS = {
    "platform": {PlatformLevel.NATIONAL, PlatformLevel.PROVINCIAL},
    "standard": {PlatformLevel.NATIONAL, PlatformLevel.INDUSTRY},
    "pilot": {PlatformLevel.NATIONAL, PlatformLevel.PROVINCIAL},
}
# The levels an item of each kind may have; kinds not listed have no level.
ALLOWED_LEVELS = {
    "platform": [PlatformLevel.NATIONAL, PlatformLevel.PROVINCIAL, PlatformLevel.CITY, PlatformLevel.OTHER],
    "standard": [PlatformLevel.NATIONAL, PlatformLevel.INDUSTRY, PlatformLevel.PROVINCIAL, PlatformLevel.OTHER],
    "pilot": [PlatformLevel.NATIONAL, PlatformLevel.PROVINCIAL, PlatformLevel.CITY, PlatformLevel.OTHER],
}


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("已发布")


DECLARATIONS = [
    ("decl_prohibited_industry", "prohibited_industry", _("主导产业不属于国家规定的禁止、限制和淘汰类产业")),
    ("decl_major_accident", "major_accident", _("近三年未发生重大及以上安全、质量和环境污染等事故")),
    ("decl_cyber_incident", "cyber_incident", _("近三年未发生重大及以上网络安全事件和数据安全事件")),
    ("decl_tax_dishonesty", "tax_dishonesty", _("无偷税漏税、严重失信等其他重大违法违规行为")),
]

TITLE_LABELS = {
    "champion": _("制造业单项冠军"),
    "giant": _("专精特新“小巨人”"),
    "specialised": _("专精特新中小企业"),
    "hightech": _("高新技术企业"),
}
