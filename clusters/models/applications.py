from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from clusters.constants import (
    RETURNABLE_STATES,
    REVIEW_STATES,
    WITHDRAWABLE_STATES,
    ApplicationState,
    ListKind,
    PlatformLevel,
)
from core.fields import EncryptedCharField
from core.models import FrozenMixin
from core.storage import AreaUploadTo, private_storage
from core.validators import validate_credit_code, validate_phone

from .calls import AttachmentRequirement, Call
from .clusters import Cluster

S = ApplicationState
NON_NEGATIVE = MinValueValidator(Decimal("0"), "不能为负数。")
# 10,000 亿元 in 万元: anything larger is a unit mistake, not a county cluster.
ABSURD_AMOUNT = MaxValueValidator(Decimal("100000000"), "数值过大，请确认单位为“万元”。")
PERCENT = [
    MinValueValidator(Decimal("0"), "比例不能为负数。"),
    MaxValueValidator(Decimal("100"), "比例不能超过100%%。"),
]


def _may(verb):
    """A transition's `permission=`: which buttons the UI shows. The services are the gate."""

    def check(instance, user):
        from clusters import permissions

        return getattr(permissions, f"can_{verb}_application")(user, instance)

    check.__name__ = f"can_{verb}"
    return check


class Application(ConcurrentTransitionMixin, models.Model):
    """One cluster's application to one call; its state machine is the whole review workflow."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报批次"))
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="applications", verbose_name=_("集群"))
    applicant = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报主体")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    state = FSMField(_("状态"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    state_changed_at = models.DateTimeField(_("进入当前状态时间"), default=timezone.now)
    # Bumped by every save of the form: a stale browser tab is refused instead of overwriting newer data.
    edit_version = models.PositiveIntegerField(default=1)
    submission_count = models.PositiveIntegerField(_("提交次数"), default=0)
    return_reason = models.TextField(_("退回原因"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    returned_from = models.CharField(_("退回环节"), max_length=20, blank=True)
    # Set by a return: the returning tier's disagreements per condition ({code: {"title", "comment", "tier"}}),
    # shown on the returned form beside the sections they concern; cleared by the next submission.
    return_opinions = models.JSONField(_("退回时的逐条意见"), default=dict, blank=True)

    # 基本信息
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])  # SM4
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    summary = models.TextField(
        _("集群概况"), blank=True, help_text=_("主导产业、产业链布局、配套能力、对当地经济和就业的贡献等。")
    )
    # The qualitative parts of Art. 6 the reviewers judge, one text each (clusters.conditions).
    policy_fit = models.TextField(
        _("主导产业政策符合性与细分领域地位"),
        blank=True,
        help_text=_(
            "第六条第一项：主导产业是否符合国家产业政策和省“十四五”规划，是否为县域支柱或特色产业，"
            "在细分领域全省乃至全国的位次；属于16个先进制造业集群或50条重点产业链的，请说明。"
        ),
    )
    supply_chain = models.TextField(
        _("产业链布局与产供销协同机制"),
        blank=True,
        help_text=_("第六条第四项：产业链布局、关键环节配套能力，上下游企业产供销一体化协同协作机制。"),
    )
    innovation_mechanism = models.TextField(
        _("创新激励机制与关键核心技术攻关"),
        blank=True,
        help_text=_("第六条第五项：集群的创新激励机制，产业链短板技术梳理情况和开展的关键核心技术攻关。"),
    )
    pollution_control = models.TextField(
        _("能源消费结构与污染物排放治理"),
        blank=True,
        help_text=_("第六条第七项：能源消费结构、资源利用效率和污染物排放治理情况。"),
    )
    # 数字化与绿色化
    cloud_share_pct = models.DecimalField(
        _("企业上云或上标识比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    platform_penetration_pct = models.DecimalField(
        _("工业互联网平台应用普及率（%）"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    digital_notes = models.TextField(_("智能化改造和数字化转型工作情况"), blank=True)
    energy_intensive = models.BooleanField(_("属于高耗能行业"), default=False)
    energy_above_benchmark = models.BooleanField(_("能效水平高于行业基准值"), null=True, blank=True)
    water_intensive = models.BooleanField(_("属于高耗水行业"), default=False)
    water_above_benchmark = models.BooleanField(_("用水效率高于行业基准值"), null=True, blank=True)
    green_notes = models.TextField(_("绿色低碳服务机制及能效、水效说明"), blank=True)
    # 运营管理与发展规划
    management_body = models.CharField(_("运营管理机构名称"), max_length=200, blank=True)
    management_body_credit_code = models.CharField(
        _("运营管理机构统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    service_system = models.TextField(_("中小企业公共服务体系"), blank=True)
    promotion_mechanism = models.TextField(_("集群发展促进机制"), blank=True)
    plan_summary = models.TextField(_("三年发展规划概要"), blank=True)
    # 承诺声明 (Art. 7): True = declared that the situation did not occur.
    decl_prohibited_industry = models.BooleanField(_("产业政策"), null=True, blank=True)
    decl_major_accident = models.BooleanField(_("安全质量环境事故"), null=True, blank=True)
    decl_cyber_incident = models.BooleanField(_("网络与数据安全事件"), null=True, blank=True)
    decl_tax_dishonesty = models.BooleanField(_("违法失信"), null=True, blank=True)
    # Per failed hard rule, the applicant's explanation (rule code -> text), required to submit.
    failed_rule_explanations = models.JSONField(_("未达标说明"), default=dict, blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "call"],
                condition=~Q(state="withdrawn"),
                name="one_open_application_per_cluster_call",
            )
        ]
        indexes = [
            # The review queues: a state's applications, longest waiting first (reviews.filters), and every
            # state in that order for the province; without them each page sorted thousands of wide rows.
            models.Index(fields=["state", "state_changed_at", "id"], name="application_queue_state_idx"),
            models.Index(fields=["state_changed_at", "id"], name="application_queue_waited_idx"),
        ]
        verbose_name = _("申报")
        verbose_name_plural = _("申报")

    def __str__(self):
        return f"{self.cluster.name}（{self.call.year}年度）"

    # --- the state machine (fields in memory only; services save, log and notify) ---

    @transition(field=state, source=S.DRAFT, target=S.COUNTY_REVIEW, permission=_may("submit"))
    def submit(self):
        self.submission_count += 1
        self.submitted_at = timezone.now()
        self.return_reason = ""
        self.return_opinions = {}

    @transition(field=state, source=S.COUNTY_REVIEW, target=S.CITY_REVIEW, permission=_may("county_pass"))
    def county_pass(self):
        pass

    @transition(field=state, source=S.CITY_REVIEW, target=S.FORMAL_REVIEW, permission=_may("recommend"))
    def recommend(self):
        pass

    @transition(field=state, source=S.FORMAL_REVIEW, target=S.EXPERT_REVIEW, permission=_may("formal_pass"))
    def formal_pass(self):
        pass

    @transition(field=state, source=S.EXPERT_REVIEW, target=S.SITE_CHECK, permission=_may("manage_province"))
    def start_site_check(self):
        pass

    @transition(
        field=state, source=[S.EXPERT_REVIEW, S.SITE_CHECK], target=S.JOINT_REVIEW, permission=_may("manage_province")
    )
    def to_joint_review(self):
        pass

    @transition(field=state, source=S.JOINT_REVIEW, target=S.PUBLIC_NOTICE, permission=_may("manage_province"))
    def approve(self):
        pass

    @transition(field=state, source=S.PUBLIC_NOTICE, target=S.CERTIFIED, permission=_may("manage_province"))
    def certify(self):
        pass

    @transition(field=state, source=RETURNABLE_STATES, target=S.DRAFT, permission=_may("return"))
    def return_to_applicant(self, reason: str = "", opinions: dict | None = None):
        self.returned_from = self.state
        self.return_reason = reason
        self.return_opinions = opinions or {}
        self.returned_at = timezone.now()

    @transition(field=state, source=REVIEW_STATES, target=S.REJECTED, permission=_may("reject"))
    def reject(self):
        pass

    @transition(field=state, source=WITHDRAWABLE_STATES, target=S.WITHDRAWN, permission=_may("withdraw"))
    def withdraw(self):
        pass

    @property
    def is_editable(self) -> bool:
        return self.state == S.DRAFT

    @property
    def declarations(self) -> dict:
        from clusters.constants import DECLARATIONS

        return {key: getattr(self, field) for field, key, _label in DECLARATIONS}


class YearData(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="year_data")
    year = models.PositiveIntegerField(_("年份"))
    total_output = models.DecimalField(
        _("集群总产值（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE, ABSURD_AMOUNT],
    )
    sme_output = models.DecimalField(
        _("中小企业产值（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE, ABSURD_AMOUNT],
    )
    lead_output = models.DecimalField(
        _("主导产业产值（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE, ABSURD_AMOUNT],
    )
    sme_rnd = models.DecimalField(
        _("中小企业研发经费（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE, ABSURD_AMOUNT],
    )
    invention_patents = models.PositiveIntegerField(
        _("有效发明专利（件）"), null=True, blank=True, validators=[MaxValueValidator(10_000_000, "数值过大，请核对。")]
    )
    employees = models.PositiveIntegerField(
        _("从业人员（人）"), null=True, blank=True, validators=[MaxValueValidator(50_000_000, "数值过大，请核对。")]
    )
    co2_intensity = models.DecimalField(
        _("二氧化碳排放强度（吨/万元）"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE],
    )

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["application", "year"], name="uniq_year_per_application")]
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")

    def __str__(self):
        return f"{self.year}"


class Enterprise(models.Model):
    """One enterprise of the application's roster."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="enterprises")
    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, validators=[validate_credit_code], db_index=True
    )
    in_lead_industry = models.BooleanField(_("属于主导产业"), default=True)
    champion_cert = models.CharField(_("单项冠军证书编号"), max_length=100, blank=True)
    giant_cert = models.CharField(_("专精特新“小巨人”证书编号"), max_length=100, blank=True)
    specialised_cert = models.CharField(_("专精特新中小企业证书编号"), max_length=100, blank=True)
    hightech_cert = models.CharField(_("高新技术企业证书编号"), max_length=100, blank=True)
    employees = models.PositiveIntegerField(_("从业人员数"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "credit_code"], name="uniq_enterprise_per_application")
        ]
        verbose_name = _("集群企业")
        verbose_name_plural = _("集群企业名册")

    def __str__(self):
        return self.name

    @property
    def titles(self) -> frozenset:
        return frozenset(
            t
            for t, v in (
                ("champion", self.champion_cert),
                ("giant", self.giant_cert),
                ("specialised", self.specialised_cert),
                ("hightech", self.hightech_cert),
            )
            if v
        )


class ListItem(models.Model):
    """Platforms, standards, sharing initiatives, pilot projects and international cooperation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="list_items")
    kind = models.CharField(_("类别"), max_length=20, choices=ListKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=20, choices=PlatformLevel.choices, blank=True)
    reference = models.CharField(_("编号或文号"), max_length=100, blank=True)
    year = models.PositiveIntegerField(
        _("年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1980, "年份不合理。"), MaxValueValidator(2100, "年份不合理。")],
    )
    description = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from clusters.constants import ALLOWED_LEVELS

        allowed = ALLOWED_LEVELS.get(self.kind)
        if allowed is None:
            return
        if not self.level:
            raise ValidationError({"level": _("请选择级别：是否计入认定条件取决于级别。")})
        if self.level not in allowed:
            labels = "、".join(str(PlatformLevel(level).label) for level in allowed)
            raise ValidationError(
                {"level": _("%(kind)s的级别应为：%(labels)s。") % {"kind": ListKind(self.kind).label, "labels": labels}}
            )


class PlanTarget(models.Model):
    """A measurable target of the 3-year plan; re-review assesses it (Art. 11)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="plan_targets")
    indicator = models.CharField(_("指标"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    baseline = models.DecimalField(_("基期值"), max_digits=16, decimal_places=2)
    target_1 = models.DecimalField(_("第一年目标"), max_digits=16, decimal_places=2)
    target_2 = models.DecimalField(_("第二年目标"), max_digits=16, decimal_places=2)
    target_3 = models.DecimalField(_("第三年目标"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("规划目标")
        verbose_name_plural = _("规划目标")

    def __str__(self):
        return self.indicator


class Attachment(models.Model):
    """An uploaded file, stored in private storage under a random name; removal only hides it."""

    PURPOSE_REQUIRED = "requirement"
    PURPOSE_PLAN = "plan"
    PURPOSE_OTHER = "other"
    PURPOSES = [
        (PURPOSE_REQUIRED, _("申报材料")),
        (PURPOSE_PLAN, _("三年发展规划文本")),
        (PURPOSE_OTHER, _("其他材料")),
    ]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    requirement = models.ForeignKey(
        AttachmentRequirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("材料要求"),
    )
    purpose = models.CharField(_("用途"), max_length=20, choices=PURPOSES, default=PURPOSE_REQUIRED)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file = models.FileField(storage=private_storage, upload_to=AreaUploadTo("attachments"), max_length=200)
    file_type = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class ApplicationVersion(FrozenMixin, models.Model):
    """Everything the applicant submitted, frozen at one submission."""

    FROZEN_FIELDS = ("application", "number", "created_at", "created_by", "snapshot", "eligibility", "explanations")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("申报内容"))
    eligibility = models.JSONField(_("资格自评结果"))
    explanations = models.JSONField(_("未达标说明"), default=dict)
    # Rendered after submission (a task, or the download view): not one of the FROZEN_FIELDS.
    pdf = models.FileField(storage=private_storage, upload_to=AreaUploadTo("pdf"), max_length=200, blank=True)
    pdf_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="uniq_version_number")]
        verbose_name = _("申报版本")
        verbose_name_plural = _("申报版本")

    def __str__(self):
        return f"{self.application_id} v{self.number}"
